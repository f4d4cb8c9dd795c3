"""accountDocument, accountDocumentsPaged. ``downloadLink`` is an absolute URL to
``/documents/{uuid}.pdf`` with a fresh 15-minute signature (``services.core.domain
.documents``); the PDF is generated on request from the stored sessions."""

from __future__ import annotations

import sqlite3
from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised.context import core
from services.core.api.beenergised.userdata import as_user, page_args, paged
from services.core.domain import documents

query = QueryType()


def _dicts(conn: sqlite3.Connection, user_id: int, rows: list[sqlite3.Row], base: str
           ) -> list[dict[str, Any]]:
    owner = conn.execute("SELECT uuid FROM users WHERE id = ?", (user_id,)).fetchone()["uuid"]
    return [
        documents.document_dict(
            r, f"{base}/documents/{r['uuid']}.pdf?"
            + documents.signed_query(conn, r["uuid"], owner))
        for r in rows
    ]


def _one(conn: sqlite3.Connection, user_id: int, ident: str | None, base: str
         ) -> dict[str, Any]:
    return _dicts(conn, user_id, [documents.get_document(conn, user_id, ident)], base)[0]


def _page(conn: sqlite3.Connection, user_id: int, limit: int, offset: int, base: str
          ) -> dict[str, Any]:
    rows, total = documents.list_documents(conn, user_id, limit, offset)
    return paged(_dicts(conn, user_id, rows, base), total, limit, offset)


@query.field("accountDocument")
async def resolve_document(_obj: Any, info: GraphQLResolveInfo, id: str | None = None
                           ) -> dict[str, Any]:
    return await as_user(info, _one, id, core(info).url("").rstrip("/"))


@query.field("accountDocumentsPaged")
async def resolve_documents(_obj: Any, info: GraphQLResolveInfo,
                            pagination: dict | None = None) -> dict[str, Any]:
    limit, offset = page_args(pagination)
    return await as_user(info, _page, limit, offset, core(info).url("").rstrip("/"))


bindables = [query]
