"""Who calls the AMPECO API: an operator-scoped API token (``Authorization: Bearer``), stored
hashed and managed with ``voltra-core api-key create --api ampeco``. A token speaks for one
operator and sees only that operator's data; another operator's ids answer 404 exactly like
unknown ones."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request

from services.core.api.rest.auth import BearerAuth
from services.core.api.rest.errors import ApiError
from services.core.domain.offers import Offer
from services.core.domain.partners import Principal
from services.core.services import offers, partners

_ID = re.compile(r"^[0-9]{1,18}$")


async def operator(core: Any, request: Request) -> Principal:
    """The principal of the token; 401 ``{"message": "Unauthenticated."}`` (the document's
    wording) when it is missing, unknown or revoked."""

    async def verify(token: str) -> Principal | None:
        return await core.db(partners.authenticate, "ampeco", token)

    try:
        return await BearerAuth(verify)(request)
    except ApiError as exc:
        raise ApiError(401, "Unauthenticated.", headers=exc.problem.headers) from None


def parse_id(raw: str, field: str) -> int:
    """A numeric path id. Anything else names no record: 404, which the document lists for
    every read (and 422 for few of them)."""
    if not _ID.match(raw or ""):
        raise ApiError(404, f"No {field} with id '{(raw or '')[:40]}'.")
    return int(raw)


async def offer(core: Any, principal: Principal) -> Offer | None:
    """What this API sells to the token's operator: the stations it lists and starts on, at
    the prices its tariffs show and its starts bill."""
    return await offers.of_caller(core, "ampeco", principal)
