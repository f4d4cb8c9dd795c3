"""accountDocument, accountDocumentsPaged. ``downloadLink`` is an absolute URL to
``/documents/{uuid}.pdf`` with a fresh 15-minute signature (``services.core.domain
.documents``); the PDF is generated on request from the stored sessions."""

from __future__ import annotations

from typing import Any

from ariadne import QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised import renderers
from services.core.api.beenergised.context import core
from services.core.api.beenergised.userdata import as_user, page_args, paged
from services.core.services import accounts as account_service

query = QueryType()


@query.field("accountDocument")
async def resolve_document(_obj: Any, info: GraphQLResolveInfo, id: str | None = None
                           ) -> dict[str, Any]:
    row, link = await as_user(info, account_service.document, id,
                              core(info).url("").rstrip("/"))
    return renderers.document(row, link)


@query.field("accountDocumentsPaged")
async def resolve_documents(_obj: Any, info: GraphQLResolveInfo,
                            pagination: dict | None = None) -> dict[str, Any]:
    limit, offset = page_args(pagination)
    docs, total = await as_user(info, account_service.documents_page, limit, offset,
                                core(info).url("").rstrip("/"))
    return paged([renderers.document(r, link) for r, link in docs], total, limit, offset)


bindables = [query]
