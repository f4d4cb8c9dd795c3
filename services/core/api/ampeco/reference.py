"""``/resources/currencies/v2.0`` and ``/resources/taxes/v2.0``: the currencies and VAT rates
of the operator's tariffs."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.core.api.ampeco import paging, respond
from services.core.api.ampeco import render_tariffs as render
from services.core.api.ampeco.access import offer, operator, parse_id
from services.core.api.ampeco.errors import not_found
from services.core.services import operator_catalogue as catalogue

CURRENCIES = "/public-api/resources/currencies/v2.0"
TAXES = "/public-api/resources/taxes/v2.0"


def routes(core: Any) -> list[Route]:
    async def currencies(request: Request) -> Response:
        principal = await operator(core, request)
        # neither listing documents 422: the lenient reading of paging
        win = paging.window(request, page_form=True, refuse=None)
        items = [render.currency(c) for c in await core.db(catalogue.currencies_in_use,
                                                            principal,
                                                            await offer(core, principal))]
        return respond.json(paging.listing(request, win, items))

    async def currency(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["currency"], "currency")
        for c in await core.db(catalogue.currencies_in_use, principal,
                               await offer(core, principal)):
            if c.numeric == wanted:
                # this read's schema is the currency itself, without the "data" wrapper
                return respond.json(render.currency(c))
        raise not_found(f"No currency with id {wanted}.")

    async def taxes(request: Request) -> Response:
        principal = await operator(core, request)
        win = paging.window(request, page_form=True, refuse=None)
        rates = await core.db(catalogue.tax_rates, principal, await offer(core, principal))
        items = [render.tax(r) for r in rates]
        return respond.json(paging.listing(request, win, items))

    async def tax(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["tax"], "tax")
        for rate in await core.db(catalogue.tax_rates, principal,
                                  await offer(core, principal)):
            if render.tax_id(rate) == wanted:
                return respond.data(render.tax(rate))
        raise not_found(f"No tax with id {wanted}.")

    return [
        Route(CURRENCIES, currencies, methods=["GET"]),
        Route(f"{CURRENCIES}/{{currency}}", currency, methods=["GET"]),
        Route(TAXES, taxes, methods=["GET"]),
        Route(f"{TAXES}/{{tax}}", tax, methods=["GET"]),
    ]

