"""Which user a request's ``user`` block names, for the calling partner.

- ``username``: the user's e-mail address or user name, with the ``token`` that partner got
  from user-verify / user-register (required: the document says the token authenticates
  "instead of a password").
- ``evco-id``: the EVCO ID of the user or of one of the user's charging keys.
- ``rfid``: the UID of one of the user's charging keys.

With ``evco-id`` or ``rfid`` the token is optional: the partner's key vouches for its own
users (the document's session-start example sends no token). A token, when sent, must be
that user's. Only members of the calling partner are found: others are "not found", the
same answer as for ids that do not exist.
"""

from __future__ import annotations

from services.core.api.plugsurfing import results as r
from services.core.api.plugsurfing.endpoint import Call
from services.core.api.plugsurfing.parsers import UserRef, uid
from services.core.services import partner_users


async def user_id(call: Call, ref: UserRef) -> int:
    core, principal = call.core, call.principal
    if ref.identifier_type == "username":
        member = await core.db(partner_users.member_by_login, principal, ref.identifier)
        if member is None or not member.active:
            raise r.OioiError(r.EMAIL_UNKNOWN, f"user.identifier: no user '{ref.identifier}'")
        if not ref.token:
            raise r.OioiError(r.AUTH_FAILED, "user.token: is required with identifier-type "
                              "username (from user-verify or user-register)")
        found = member.user_id
    elif ref.identifier_type == "evco-id":
        try:
            found_id = await core.db(partner_users.member_by_evco, principal, ref.identifier)
        except ValueError as exc:
            raise r.OioiError(r.EVCO_ERROR, f"user.identifier: {exc}") from None
        if found_id is None:
            raise r.OioiError(r.EVCO_NOT_FOUND, f"user.identifier: no EVCO ID "
                              f"'{ref.identifier}'")
        found = found_id
    else:
        tag = uid(ref.identifier, "user.identifier")
        found_id = await core.db(partner_users.member_by_uid, principal, tag)
        if found_id is None:
            raise r.OioiError(r.EVCO_NOT_FOUND, f"user.identifier: no charging key '{tag}'")
        found = found_id
    if ref.token is not None:
        owner = await core.db(partner_users.token_user, principal, ref.token)
        if owner != found:
            raise r.OioiError(r.TOKEN_INVALID, "user.token: not valid for this user (sign in "
                              "again with user-verify)")
    return found
