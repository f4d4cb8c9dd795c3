"""A receipt's ``downloadUrl`` and the PDF behind it.

Reading: the document describes ``downloadUrl`` only as "the link where the receipt could
be downloaded", like an invoice's, and names no download operation. A link is what a client
hands to a browser or PDF viewer, which cannot send the operator's bearer token, so the link
itself carries a signed, expiring authorisation (``services.core.services.receipt_links``),
as invoices' links to the core's hosted documents do. It is built from the origin the client
reached the core at, like the facade's other absolute links.

``GET /public-api/resources/receipts/v2.0/{receipt}/download?partner=..&expires=..&sig=..``
answers the PDF as an attachment named by the receipt number, or the document's error
bodies: 401 without a signature, 403 for an expired or altered one, 404 for a receipt that
is no longer the signing operator's.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.api.ampeco.access import parse_id
from services.core.api.ampeco.listing import origin
from services.core.api.ampeco.refusals import refusal
from services.core.api.ampeco.render_billing import receipt_no
from services.core.api.rest.errors import ApiError
from services.core.domain.errors import DomainError
from services.core.domain.partners import Principal
from services.core.services import receipt_links
from services.core.services.receipt_links import Link

DOWNLOAD = "/public-api/resources/receipts/v2.0/{receipt}/download"

_REFUSED = {
    Link.MISSING: (401, "Unauthenticated."),
    Link.INVALID: (403, "This download link is invalid: read the receipt for a fresh"
                        " downloadUrl."),
    Link.EXPIRED: (403, "This download link has expired: read the receipt for a fresh"
                        " downloadUrl."),
}


async def download_urls(core: Any, request: Request, principal: Principal,
                        session_ids: list[int]) -> dict[int, str]:  # fmt: skip
    """Each receipt's ``downloadUrl`` for the token's operator."""
    if not session_ids:
        return {}
    queries = await core.db(receipt_links.signed_queries, principal.partner_id, session_ids)
    base = origin(request) + DOWNLOAD
    return {sid: f"{base.format(receipt=sid)}?{query}" for sid, query in queries.items()}


def routes(core: Any) -> list[BaseRoute]:
    async def download(request: Request) -> Response:
        session_id = parse_id(request.path_params["receipt"], "receipt")
        q = request.query_params
        partner = await core.db(receipt_links.check, session_id, q.get("partner"),
                                q.get("expires"), q.get("sig"))  # fmt: skip
        if isinstance(partner, Link):
            raise ApiError(*_REFUSED[partner])
        number = receipt_no(session_id)
        try:
            body = await core.db(receipt_links.receipt_pdf, partner, session_id, number)
        except DomainError as exc:
            raise refusal(exc) from None
        return Response(body, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{number}.pdf"',
            "Cache-Control": "private, no-store",
        })

    return [Route(DOWNLOAD, download, methods=["GET"])]
