"""``POST /wirelane/token``: the OAuth2 token endpoint (RFC 6749), form-encoded as the
document shows.

- ``grant_type=password`` (client_id, client_secret, username, password; scope
  ``account_admin``, the default): a token for an administrator of the client's organisation.
- ``grant_type=client_credentials`` (scope ``account``, the default): a token of the client
  alone, which reads no organisation data.

The client authenticates with ``client_id``/``client_secret`` in the body or HTTP Basic
(RFC 6749 2.3.1), not both. Answers ``access_token`` (a JWT signed with the database's key:
``sub``, ``client_id``, ``organization_id``, ``scope``, ``iat``, ``exp``), ``token_type``
``Bearer``, ``expires_in``, ``scope``; no refresh token (a client asks again). Refusals as
RFC 6749 5.2. Passwords are checked like every sign-in: throttled by client address and
account, scrypt on the hashing pool.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.core.api.rest.body import read_body
from services.core.api.wirelane.access import ADMIN_SCOPE, CLIENT_SCOPE, claims_for
from services.core.api.wirelane.errors import oauth_error
from services.core.cpu_pool import PoolBusy
from services.core.domain import auth, throttle
from services.core.domain.partners import Principal
from services.core.services import organisations, partner_tokens, partners

TOKEN_TTL_SECONDS = 3600
MAX_FORM_BYTES = 8 * 1024
_FORM = "application/x-www-form-urlencoded"
_SCOPES = {"password": ADMIN_SCOPE, "client_credentials": CLIENT_SCOPE}
_BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="wirelane"'}


def _invalid_request(description: str) -> Exception:
    return oauth_error(400, "invalid_request", description)


async def _form(request: Request) -> dict[str, str]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != _FORM:
        raise _invalid_request(f"send the parameters form-encoded (Content-Type: {_FORM})")
    raw = await read_body(request, MAX_FORM_BYTES)
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=32)
    except (UnicodeDecodeError, ValueError):
        raise _invalid_request("the body is not a valid form (UTF-8, at most 32 fields)"
                               ) from None  # fmt: skip
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:  # RFC 6749 3.2: parameters must not be repeated
            raise _invalid_request(f"{name}: given more than once")
        form[name] = value
    return form


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise _invalid_request("client authentication: use HTTP Basic or client_id and"
                               " client_secret in the body")  # fmt: skip
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise oauth_error(401, "invalid_client", "malformed Basic credentials",
                          _BASIC_CHALLENGE) from None  # fmt: skip
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise oauth_error(401, "invalid_client", "malformed Basic credentials", _BASIC_CHALLENGE)
    return unquote(client_id), unquote(secret)  # RFC 6749 2.3.1: form-urlencoded first


async def _client(core: Any, request: Request, form: dict[str, str]) -> Principal:
    basic = _basic(request)
    if basic is not None and ("client_secret" in form or ("client_id" in form
                              and form["client_id"] != basic[0])):
        raise _invalid_request("client authentication: use HTTP Basic or client_id and"
                               " client_secret in the body, not both")  # fmt: skip
    client_id, secret = basic or (form.get("client_id"), form.get("client_secret"))
    if not client_id:
        raise oauth_error(401, "invalid_client", "client_id: is required", _BASIC_CHALLENGE)
    if not secret:
        raise oauth_error(401, "invalid_client", "client_secret: is required", _BASIC_CHALLENGE)
    principal = await core.db(partners.verify_client, client_id, secret)
    if principal is None:
        raise oauth_error(401, "invalid_client", "unknown client or wrong client_secret",
                          _BASIC_CHALLENGE)  # fmt: skip
    return principal


def _scopes(form: dict[str, str], grant: str) -> tuple[str, ...]:
    allowed = _SCOPES[grant]
    asked = form.get("scope", "").split() or [allowed]
    unknown = [s for s in asked if s != allowed]
    if unknown:
        raise oauth_error(400, "invalid_scope", f"scope: {' '.join(unknown)} cannot be granted"
                          f" by grant_type {grant}; it grants {allowed}")  # fmt: skip
    return (allowed,)


def _source(request: Request) -> str:
    client = request.client
    return throttle.source_key(client.host) if client and client.host else auth.LOCAL_SOURCE


async def _admin(core: Any, request: Request, form: dict[str, str], principal: Principal
                 ) -> tuple[int, str]:
    for name in ("username", "password"):
        if not form.get(name):
            raise _invalid_request(f"{name}: is required for grant_type password")
    source = _source(request)
    budget = core.source_limits.login_failures
    wait = budget.retry_after(source)
    if wait:
        raise oauth_error(429, "slow_down", "too many failed sign-ins from your address;"
                          f" retry in {wait} seconds", {"Retry-After": str(wait)})
    try:
        attempt = await core.db(auth.begin_login, form["username"], source)
        try:
            ok = await core.hashing.run(auth.check_password, attempt, form["password"])
        except PoolBusy as exc:
            raise oauth_error(429, "slow_down", "too many sign-ins in progress; retry in"
                              f" {exc.retry_after} seconds",
                              {"Retry-After": str(exc.retry_after)}) from None
        if not ok:
            budget.spend(source)
        user_id = await core.db(auth.settle_login, attempt, ok)
    except auth.AuthError as exc:
        if exc.retry_after:
            raise oauth_error(429, "slow_down", str(exc),
                              {"Retry-After": str(exc.retry_after)}) from None
        raise oauth_error(400, "invalid_grant", str(exc)) from None
    user_uuid = await core.db(organisations.admin_of, principal, user_id)
    if user_uuid is None:
        raise oauth_error(400, "invalid_grant", f"{form['username']} does not administer"
                          f" organisation {principal.organisation}")  # fmt: skip
    return user_id, user_uuid


def endpoint(core: Any) -> Callable[[Request], Awaitable[Response]]:
    async def token(request: Request) -> Response:
        form = await _form(request)
        grant = form.get("grant_type")
        if not grant:
            raise _invalid_request("grant_type: is required (password or client_credentials)")
        if grant not in _SCOPES:
            raise oauth_error(400, "unsupported_grant_type", f"grant_type: {grant[:40]!r} is"
                              " not supported; use password or client_credentials")
        principal = await _client(core, request, form)
        scopes = _scopes(form, grant)
        user_uuid = None
        if grant == "password":
            _, user_uuid = await _admin(core, request, form, principal)
        claims = claims_for(principal.client_id or "", principal.organisation or "", scopes,
                            user_uuid)  # fmt: skip
        token = await core.db(partner_tokens.issue_jwt, claims, TOKEN_TTL_SECONDS)
        return JSONResponse(
            {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_TTL_SECONDS,
             "scope": " ".join(scopes)},
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    return token
