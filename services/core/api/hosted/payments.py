"""The core's hosted payment page (HTML), standing in for a payment provider's page.

Routes:
- ``GET /payments/{tx}?sig=..``: the page for a registerPaymentMethod /
  initDirectPaymentCharging transaction; ``POST`` the same URL (form) pays it.
- ``GET /payments/methods/new?session=..``: the paymentMethods.hostedSession page;
  ``POST`` stores a payment method.
After a direct-charging payment the core asks the OCPP central system
(through the core's charging service) to start charging, billed at the offer of the API
that opened the page, and shows the outcome.
"""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.domain import offer_audiences, payments
from services.core.domain.charging import StartRequest
from services.core.domain.errors import DomainError
from services.core.domain.tariffs import Tariff, price_summary
from services.core.services import charging as charging_service
from services.core.services import lookups
from services.core.state import Core

log = logging.getLogger(__name__)

_STYLE = """body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0 .2rem}input{font-size:1rem;padding:.4rem;width:100%;
box-sizing:border-box}button{margin-top:1rem;font-size:1rem;padding:.6rem 1.2rem}
.error{color:#a00}.ok{color:#060}.row{display:flex;gap:.5rem}.row>div{flex:1}"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>",
        status_code=status, headers={
            "Cache-Control": "no-store",
            # No scripts at all; the form may only post back to the core. Framing stays
            # allowed: apps embed payment pages (PaymentMethod.iFrameHeight).
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline';"
                                       " form-action 'self'; base-uri 'none'",
            "Referrer-Policy": "no-referrer",
        })


def _form(action: str, error: str | None = None) -> str:
    err = f"<p class='error' role='alert'>{html.escape(error)}</p>" if error else ""
    return f"""{err}<form method="post" action="{html.escape(action)}">
<label for="holder">Card holder</label><input id="holder" name="holder" autocomplete="cc-name" required>
<label for="number">Card number</label><input id="number" name="number" inputmode="numeric" autocomplete="cc-number" required>
<div class="row"><div><label for="expiry_month">Expiry month</label><input id="expiry_month" name="expiry_month" inputmode="numeric" placeholder="MM" required></div>
<div><label for="expiry_year">Expiry year</label><input id="expiry_year" name="expiry_year" inputmode="numeric" placeholder="YYYY" required></div>
<div><label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required></div></div>
<button type="submit">Pay / save card</button></form>"""  # noqa: E501


def _summary(tx: dict[str, Any], billed: Tariff | None = None) -> str:
    if tx["kind"] == "REGISTER":
        what = "Register a credit card"
        if tx.get("rate_name"):
            what += f" for the rate {tx['rate_name']}"
        return f"<p>{html.escape(what)}. Nothing is charged now.</p>"
    amount = f"{tx['amount']:.2f} {tx['currency']}"
    rate = (f"{billed.name} ({price_summary(billed)})" if billed is not None
            else tx.get("rate_name") or "")
    what = (f"Rate package {tx['package_name']}: {amount}" if tx.get("package_name")
            else f"Pre-authorisation of {amount}; the session is billed at the rate"
                 f" {rate} when it ends")
    where = f"{tx.get('station_label') or ''} ({tx.get('evse_id') or ''})"
    return (f"<p>Charging at {html.escape(where)}.</p><p>{html.escape(what)}.</p>"
            f"<p>Valid until {html.escape(payments.expires_at(tx))}.</p>")


async def _billed(core: Core, tx: dict[str, Any]) -> Tariff | None:
    if tx["kind"] != "DIRECT_CHARGING":
        return None
    return await core.db(payments.billed_tariff, tx)


async def _form_data(request: Request) -> dict[str, str]:
    # urlencoded only: the page's own form; avoids a multipart dependency.
    raw = (await request.body())[:8192].decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


async def _start_charging(core: Core, tx: dict[str, Any]) -> None:
    try:
        package = None
        if tx.get("rate_package_id"):
            package = await lookups.rate_package_uuid(core, tx["rate_package_id"])
        # Billed as the API that opened this page sells the connector.
        offer = await core.db(offer_audiences.audience_offer, tx["api"], tx["partner_id"])
        request = StartRequest(
            user_id=tx["user_id"], connector_id=tx["connector_id"], card_id=tx["card_id"],
            rate_package=package, invoiced=True, offer=offer)
        plan = await charging_service.start(core, request, wait_s=5.0)
    except charging_service.ChargingUnavailable as exc:
        await core.db(payments.record_start, tx["id"], None, str(exc))
        return
    except Exception as exc:  # the charging domain's typed errors, or a charger problem
        log.warning("direct payment %s: start failed: %s", tx["uuid"], exc)
        await core.db(payments.record_start, tx["id"], None, str(exc) or "start failed")
        return
    await core.db(payments.record_start, tx["id"], plan.session_id, plan.failure)


def routes(core: Core) -> list[BaseRoute]:
    async def tx_page(request: Request) -> Response:
        tx_uuid = request.path_params["tx_uuid"]
        sig = request.query_params.get("sig")
        tx = await core.db(payments.tx_for_page, tx_uuid, sig)
        if tx is None:
            return _page("Payment link invalid",
                         "<p class='error'>This payment link is invalid.</p>", 404)
        action = f"/payments/{tx_uuid}?sig={sig}"
        if request.method == "GET":
            if tx["status"] != "OPEN":
                return _page("Payment", f"<p>This payment is {html.escape(tx['status'])}.</p>"
                             f"<p>{html.escape(tx.get('message') or '')}</p>", 409)
            billed = await _billed(core, tx)
            return _page("Payment", _summary(tx, billed) + _form(action))
        try:
            done = await core.db(payments.pay, tx, await _form_data(request))
        except DomainError as exc:
            status = 409 if exc.field == "transaction" else 400
            billed = await _billed(core, tx)
            return _page("Payment", _summary(tx, billed) + _form(action, exc.message), status)
        if done["status"] == "PAID" and done["kind"] == "DIRECT_CHARGING":
            await _start_charging(core, done)
            done = await core.db(payments.tx_for_page, tx_uuid, sig)
        cls = "error" if done["status"] == "FAILED" else "ok"
        return _page("Payment", f"<p class='{cls}' role='status' id='result'>"
                     f"{html.escape(done['status'])}: {html.escape(done['message'] or '')}</p>"
                     "<p>You can close this page and return to the app.</p>")

    async def hosted_page(request: Request) -> Response:
        session = request.query_params.get("session") or ""
        user = await core.db(payments.user_of_hosted_session, session)
        if user is None:
            return _page("Payment link invalid",
                         "<p class='error'>This link is invalid or expired.</p>", 404)
        action = f"/payments/methods/new?session={session}"
        if request.method == "GET":
            return _page("Add a payment method", _form(action))
        try:
            done = await core.db(payments.register_hosted, user["id"],
                                 await _form_data(request))
        except DomainError as exc:
            return _page("Add a payment method", _form(action, exc.message), 400)
        cls = "error" if done["status"] == "FAILED" else "ok"
        return _page("Add a payment method",
                     f"<p class='{cls}' role='status' id='result'>{html.escape(done['status'])}"
                     f": {html.escape(done['message'] or '')}</p>")

    return [
        Route("/payments/methods/new", hosted_page, methods=["GET", "POST"]),
        Route("/payments/{tx_uuid}", tx_page, methods=["GET", "POST"]),
    ]
