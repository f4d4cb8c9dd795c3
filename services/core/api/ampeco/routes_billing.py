"""Receipts (v2.0), invoices (v1.0), transactions (v1.0) and CDRs (v2.0) of the operator's
users: what their finished sessions were billed, with signed links to the invoices' and
receipts' PDFs.
Filters on what the core does not keep (payment methods, vouchers, terminals, roaming
platforms) match nothing; other operators' records answer 404.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.api.ampeco import params, slices
from services.core.api.ampeco.access import operator, parse_id
from services.core.api.ampeco.listing import operator_matches
from services.core.api.ampeco.paging import window
from services.core.api.ampeco.params import NoMatch
from services.core.api.ampeco.receipt_download import download_urls
from services.core.api.ampeco.refusals import refusing
from services.core.api.ampeco.render_billing import cdr, invoice, receipt, transaction
from services.core.api.ampeco.respond import data, json
from services.core.services import member_billing

RECEIPTS = "/public-api/resources/receipts/v2.0"
INVOICES = "/public-api/resources/invoices/v1.0"
TRANSACTIONS = "/public-api/resources/transactions/v1.0"
CDRS = "/public-api/resources/cdrs/v2.0"

RECEIPT_FILTERS = {"operatorId": params.integers, "userId": params.integer,
                   "taxId": params.integer,
                   "paymentStatus": params.one_of("pending", "paid", "partially_paid"),
                   "periodStart": params.moment, "periodEnd": params.moment,
                   "issuedFrom": params.moment, "issuedTo": params.moment}  # fmt: skip
INVOICE_FILTERS = {"operatorId": params.integers, "issuedFrom": params.moment,
                   "issuedTo": params.moment, "externalId": params.text,
                   "paymentStatus": lambda raw: tuple(params.one_of(
                       "paid", "partially_paid", "pending")(v)
                       for v in (raw if isinstance(raw, list) else [raw]))}  # fmt: skip
TRANSACTION_FILTERS = {
    "operatorId": params.integers, "createdAfter": params.moment,
    "createdBefore": params.moment, "lastUpdatedAfter": params.moment,
    "lastUpdatedBefore": params.moment, "userId": params.integer, "sessionId": params.integer,
    "status": params.one_of("pending", "finalized", "failed", "reserved", "refunded",
                            "authorized", "initialized"),
    "billingType": params.one_of("internal", "external"), "receiptId": params.integer,
    "invoiceId": params.integer, "finalizedBefore": params.moment,
    "finalizedAfter": params.moment, "purchaseType": params.text,
    **{name: params.text for name in ("paymentMethod", "invoiceNumber", "ref", "terminalId",
                                      "voucherId", "subscriptionBillingPeriodId",
                                      "settledByTransactionId")}}
CDR_FILTERS = {
    "startDateTimeFrom": params.moment, "startDateTimeTo": params.moment,
    "endDateTimeFrom": params.moment, "endDateTimeTo": params.moment,
    "operatorId": params.integer, "platformId": params.integer, "roamingId": params.text,
    "credit": params.boolean, "isLocal": params.boolean, "receivedAfter": params.moment,
    "receivedBefore": params.moment, "sentAfter": params.moment,
    "sentBefore": params.moment, "deliveryResponse": params.one_of("success", "fail"),
    "sessionId": params.integer}


def routes(core: Any) -> list[BaseRoute]:
    def base() -> str:
        return core.url("").rstrip("/")

    async def list_receipts(request: Request) -> Response:
        principal = await operator(core, request)
        win = window(request, page_form=True, refuse=None)
        urls: dict[int, str] = {}  # signed as the page is read, for the rows it holds

        async def read() -> tuple[list[dict[str, Any]], int]:
            found = params.filters(request, RECEIPT_FILTERS, refuse=None)
            operator_matches(principal, found.get("operatorId"))
            if "taxId" in found or found.get("paymentStatus", "paid") != "paid":
                raise NoMatch
            ends = [found[k] for k in ("periodEnd", "issuedTo") if k in found]
            rows, total = await core.db(
                member_billing.billed_page, principal, slices.slice_of(win),
                user_id=found.get("userId"), started_after=found.get("periodStart"),
                ended_before=min(ends) if ends else None, ended_after=found.get("issuedFrom"))
            urls.update(await download_urls(core, request, principal,
                                            [int(r["id"]) for r in rows]))
            return rows, total

        operator_id = principal.operator_id or 0
        return await slices.page(request, win, read,
                                 lambda r: receipt(r, operator_id, urls.get(int(r["id"]))))

    async def read_receipt(request: Request) -> Response:
        principal = await operator(core, request)
        session_id = parse_id(request.path_params["receipt"], "receipt")
        with refusing():
            row = await core.db(member_billing.billed, principal, session_id, "receipt")
        urls = await download_urls(core, request, principal, [session_id])
        return data(receipt(row, principal.operator_id or 0, urls[session_id]))

    async def list_invoices(request: Request) -> Response:
        principal = await operator(core, request)
        win = window(request, page_form=True, refuse=None)

        async def read() -> tuple[list[dict[str, Any]], int]:
            found = params.filters(request, INVOICE_FILTERS, refuse=None)
            operator_matches(principal, found.get("operatorId"))
            if "externalId" in found or ("paymentStatus" in found
                                         and "paid" not in found["paymentStatus"]):
                raise NoMatch
            return await core.db(member_billing.invoices_page, principal, slices.slice_of(win),
                                 base(), issued_from=found.get("issuedFrom"),
                                 issued_to=found.get("issuedTo"))  # fmt: skip

        operator_id = principal.operator_id or 0
        return await slices.page(request, win, read, lambda r: invoice(r, operator_id))

    async def read_invoice(request: Request) -> Response:
        principal = await operator(core, request)
        doc_id = parse_id(request.path_params["invoice"], "invoice")
        with refusing():
            row = await core.db(member_billing.invoice, principal, doc_id, base(), "invoice")
        return data(invoice(row, principal.operator_id or 0))

    async def list_transactions(request: Request) -> Response:
        principal = await operator(core, request)
        win = window(request, page_form=True, refuse=400)
        found = params.filters(request, TRANSACTION_FILTERS, refuse=400)
        kept = {"operatorId", "createdAfter", "createdBefore", "lastUpdatedAfter",
                "lastUpdatedBefore", "userId", "sessionId", "status", "billingType",
                "receiptId", "invoiceId", "finalizedBefore", "finalizedAfter", "purchaseType"}

        async def read() -> tuple[list[dict[str, Any]], int]:
            operator_matches(principal, found.get("operatorId"))
            if any(name not in kept for name in found) or \
                    found.get("status", "finalized") != "finalized" or \
                    found.get("billingType", "internal") != "internal" or \
                    found.get("purchaseType", "session") != "session":
                raise NoMatch
            ids = {found[k] for k in ("sessionId", "receiptId") if k in found}
            scope: dict[str, Any] = {}
            if "invoiceId" in found:
                scope = await core.db(member_billing.invoice_scope, principal,
                                      found["invoiceId"]) or {}  # fmt: skip
                if not scope:
                    raise NoMatch
            if len(ids) > 1 or ("userId" in found and scope.get("user_id", found["userId"])
                                != found["userId"]):
                raise NoMatch
            return await core.db(
                member_billing.billed_page, principal, slices.slice_of(win),
                **{"user_id": found.get("userId"), **scope},
                session_id=next(iter(ids), None),
                ended_after=found.get("createdAfter") or found.get("finalizedAfter"),
                ended_before=found.get("createdBefore") or found.get("finalizedBefore"))

        operator_id = principal.operator_id or 0
        return await slices.page(request, win, read, lambda r: transaction(r, operator_id))

    async def read_transaction(request: Request) -> Response:
        principal = await operator(core, request)
        session_id = parse_id(request.path_params["transaction"], "transaction")
        with refusing():
            row = await core.db(member_billing.billed, principal, session_id, "transaction")
        # the document answers a transaction without the ``data`` wrapper of other reads
        return json(transaction(row, principal.operator_id or 0))

    async def list_cdrs(request: Request) -> Response:
        principal = await operator(core, request)
        win = window(request, refuse=400)
        params.includes(request, ("externalAppData",), refuse=400)
        operator_id = principal.operator_id or 0
        found = params.filters(request, CDR_FILTERS, refuse=400)

        async def read() -> tuple[list[dict[str, Any]], int]:
            if found.get("operatorId", operator_id) != operator_id or \
                    found.get("platformId", 0) != 0 or found.get("credit") is True or \
                    found.get("isLocal") is False or \
                    any(k in found for k in ("sentAfter", "sentBefore", "deliveryResponse")):
                raise NoMatch
            return await core.db(
                member_billing.billed_page, principal, slices.slice_of(win),
                started_after=found.get("startDateTimeFrom"),
                started_before=found.get("startDateTimeTo"),
                ended_after=found.get("endDateTimeFrom") or found.get("receivedAfter"),
                ended_before=found.get("endDateTimeTo") or found.get("receivedBefore"),
                session_id=found.get("sessionId"), uuid=found.get("roamingId"))

        return await slices.page(request, win, read, lambda r: cdr(r, operator_id))

    async def read_cdr(request: Request) -> Response:
        principal = await operator(core, request)
        session_id = parse_id(request.path_params["cdr"], "cdr")
        params.includes(request, ("externalAppData",), refuse=None)
        with refusing():
            row = await core.db(member_billing.billed, principal, session_id, "cdr")
        return data(cdr(row, principal.operator_id or 0))

    return [Route(RECEIPTS, list_receipts, methods=["GET"]),
            Route(f"{RECEIPTS}/{{receipt}}", read_receipt, methods=["GET"]),
            Route(INVOICES, list_invoices, methods=["GET"]),
            Route(f"{INVOICES}/{{invoice}}", read_invoice, methods=["GET"]),
            Route(TRANSACTIONS, list_transactions, methods=["GET"]),
            Route(f"{TRANSACTIONS}/{{transaction}}", read_transaction, methods=["GET"]),
            Route(CDRS, list_cdrs, methods=["GET"]),
            Route(f"{CDRS}/{{cdr}}", read_cdr, methods=["GET"])]
