"""user-verify (sign in, or check a token) and user-register.

Sign-in goes through the same throttling as every other sign-in of the core (per account
and client address, per address budget; see ``services.core.domain.auth``) and the same
password hashing pool. A wrong password and an unknown user both answer 141 ("Invalid email
or password"): the answer never tells whether an address is registered. A source that must
wait gets 140 with HTTP 429 and ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from services.core.api.plugsurfing import results as r
from services.core.api.plugsurfing.endpoint import Call
from services.core.api.plugsurfing.parsers import UserRegister, UserVerify, parse
from services.core.cpu_pool import PoolBusy
from services.core.domain import auth, evco, throttle
from services.core.domain.errors import Conflict
from services.core.domain.passwords import hash_password
from services.core.domain.validation import check_email, check_password
from services.core.services import partner_users


def source_of(call: Call) -> str:
    client = call.request.client
    return throttle.source_key(client.host) if client and client.host else auth.LOCAL_SOURCE


def _wait(seconds: int, what: str) -> r.OioiError:
    return r.OioiError(r.AUTH_FAILED, f"too many {what}; retry in {seconds} seconds",
                       headers={"Retry-After": str(seconds)})


async def check_login(call: Call, name: str, password: str) -> int:
    """The user id for a right password; OioiError otherwise."""
    core, source = call.core, source_of(call)
    budget = core.source_limits.login_failures
    wait = budget.retry_after(source)
    if wait:
        raise _wait(wait, "failed sign-ins from your address")
    email = await core.db(partner_users.login_email, name)
    try:
        attempt = await core.db(auth.begin_login, email, source)
        try:
            ok = await core.hashing.run(auth.check_password, attempt, password)
        except PoolBusy as exc:
            raise _wait(exc.retry_after, "sign-ins in progress") from None
        if not ok:
            budget.spend(source)
        return await core.db(auth.record_login, attempt, ok)
    except auth.AuthError as exc:
        if exc.reason == "INVALID_CREDENTIALS":
            raise r.OioiError(r.INVALID_EMAIL_OR_PASSWORD,
                              "username or password: invalid email or password") from None
        if exc.retry_after:
            raise _wait(exc.retry_after, "failed sign-ins for this account") from None
        raise r.OioiError(r.AUTH_FAILED, str(exc)) from None


async def user_verify(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserVerify, fields, call.kind)
    core, principal = call.core, call.principal
    if req.is_token:
        # Checking a token answers with the same token: it stays valid until it expires
        # or the user logs out.
        owner = await core.db(partner_users.token_user, principal, req.password)
        member = await core.db(partner_users.member_by_login, principal, req.username)
        if owner is None or member is None or member.user_id != owner:
            raise r.OioiError(r.TOKEN_INVALID, "password: not a valid token of this user")
        return {"user": {"token": req.password}}
    user_id = await check_login(call, req.username, req.password)
    token = await core.db(partner_users.issue_token, principal, user_id)
    return {"user": {"token": token}}


async def user_register(call: Call, fields: Any) -> dict[str, Any]:
    req = parse(UserRegister, fields, call.kind)
    email = check_email(req.email, "email")
    password = check_password(req.password, "password")
    username = req.username.strip()
    if not username:
        raise r.bad_format("username", "is required")
    language = (req.language or "").strip().lower() or None
    if language is not None and (len(language) != 2 or not language.isalpha()):
        raise r.bad_format("language", "must be a two-letter ISO 639-1 code such as 'en'")
    try:
        pw_hash = await call.core.hashing.run(hash_password, password)
    except PoolBusy as exc:
        raise _wait(exc.retry_after, "registrations in progress") from None
    try:
        user_id = await call.core.db(
            partner_users.register, call.principal, username=username, email=email,
            password=password, password_hash=pw_hash, language=language)
    except Conflict as exc:
        raise r.OioiError(r.EMAIL_EXISTS, exc.message) from None
    token = await call.core.db(partner_users.issue_token, call.principal, user_id)
    return {"user": {"token": token, "evco-id": evco.user_evco(user_id)}}
