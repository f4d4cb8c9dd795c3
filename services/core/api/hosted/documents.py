"""HTTP routes for PDFs: account documents (``/documents/{uuid}.pdf``) and terms and
conditions (``/terms/{uuid}.pdf``).

Document downloads are authorised by a signed short-lived link or the owner's bearer
token (see ``services.core.domain.documents``). Answers: 200 application/pdf; 401 without
any credential or with an expired/invalid session; 403 for a bad or expired signature;
404 for an unknown document or one that belongs to someone else. Terms are public.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.domain import auth, documents
from services.core.services import accounts as account_service
from services.core.state import Core


def _download(conn: sqlite3.Connection, doc_uuid: str, token: str | None,
              expires: str | None, sig: str | None) -> tuple[int, Any]:
    if token:
        ctx = auth.resolve_token(conn, token)
        if ctx is auth.EXPIRED:
            return 401, "session token expired: renew it with renewSession"
        if not isinstance(ctx, auth.AuthContext) or ctx.anonymous:
            return 401, "invalid session token"
        doc = account_service.owned_document(conn, ctx.user_id, doc_uuid)
        if doc is None:
            return 404, f"document '{doc_uuid}' not found"
        return 200, account_service.document_pdf(conn, doc)
    if not (expires or sig):
        return 401, "send 'Authorization: Bearer <sessionToken>' or use a signed downloadLink"
    doc = documents.check_signature(conn, doc_uuid, expires, sig)
    if doc is None:
        return 403, "download link expired or invalid: query accountDocument for a fresh one"
    return 200, account_service.document_pdf(conn, doc)


def _pdf(body: bytes, name: str) -> Response:
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"',
        "Cache-Control": "private, no-store",
    })


def routes(core: Core) -> list[BaseRoute]:
    async def document(request: Request) -> Response:
        doc_uuid = request.path_params["doc_uuid"]
        token = auth.bearer_token(request.headers.get("authorization"))
        status, body = await core.db(_download, doc_uuid, token,
                                     request.query_params.get("expires"),
                                     request.query_params.get("sig"))
        if status != 200:
            return JSONResponse({"error": body}, status_code=status)
        return _pdf(body, f"{doc_uuid}.pdf")

    async def terms(request: Request) -> Response:
        terms_uuid = request.path_params["terms_uuid"]
        body = await core.db(account_service.terms_pdf, terms_uuid)
        if body is None:
            return JSONResponse({"error": f"terms '{terms_uuid}' not found"}, status_code=404)
        return _pdf(body, f"terms-{terms_uuid}.pdf")

    return [
        Route("/documents/{doc_uuid}.pdf", document, methods=["GET"]),
        Route("/terms/{terms_uuid}.pdf", terms, methods=["GET"]),
    ]
