"""Who calls the organisation API: a Bearer JWT from ``/wirelane/token``, still valid, of a
client not revoked, and (for the password grant) of a user who still administers the
organisation. Organisation data needs scope ``account_admin`` and a token of that very
organisation."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from services.core.api.rest.auth import BearerAuth
from services.core.api.rest.errors import ApiError, field_error
from services.core.api.wirelane.params import path_id
from services.core.services import organisations, partner_tokens
from services.core.services.organisations import Holder

ADMIN_SCOPE = "account_admin"
CLIENT_SCOPE = "account"
ISSUER = "voltra-core/wirelane"


def claims_for(holder_client_id: str, organisation: str, scopes: tuple[str, ...],
               user_uuid: str | None) -> dict[str, Any]:  # fmt: skip
    return {"iss": ISSUER, "sub": user_uuid or holder_client_id, "client_id": holder_client_id,
            "organization_id": organisation, "scope": " ".join(scopes)}


def bearer(core: Any) -> BearerAuth:
    async def verify(token: str) -> Holder | None:
        claims = await core.db(partner_tokens.verify_jwt, token)
        if claims is None or claims.get("iss") != ISSUER:
            return None
        client_id, scopes = claims.get("client_id"), str(claims.get("scope") or "").split()
        if not isinstance(client_id, str):
            return None
        user = claims.get("sub") if ADMIN_SCOPE in scopes else None
        found = await core.db(organisations.holder, client_id, user, tuple(scopes))
        if found is None or found.principal.organisation != claims.get("organization_id"):
            return None
        return found

    return BearerAuth(verify, realm='Bearer realm="wirelane"')


async def organisation_admin(request: Request, auth: BearerAuth) -> Holder:
    """The holder of a token that may read and change the organisation in the path."""
    try:
        holder: Holder = await auth(request)
    except ApiError as exc:
        exc.problem.headers.update({"WWW-Authenticate": 'Bearer realm="wirelane",'
                                    ' error="invalid_token"'})  # fmt: skip
        raise
    organisation = path_id(request.path_params["organizationId"], "organizationId")
    if ADMIN_SCOPE not in holder.scopes or holder.user_id is None:
        raise ApiError(403, f"this operation needs scope {ADMIN_SCOPE} (a token of the password"
                       f" grant); the token has scope '{' '.join(holder.scopes)}'",
                       code="insufficient_scope",
                       headers={"WWW-Authenticate": 'Bearer realm="wirelane",'
                                f' error="insufficient_scope", scope="{ADMIN_SCOPE}"'})
    if holder.principal.organisation != organisation:
        raise field_error(403, "organizationId",
                          f"this token is not for organisation {organisation!r}")
    return holder
