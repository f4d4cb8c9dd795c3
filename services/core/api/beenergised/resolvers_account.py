"""Account: contact (profile), registration, password, deletion / reactivation, e-mail
check, terms and conditions, favourites.

Behavioural readings of the document: ``services.core.domain.accounts``. Error policy:
``services.core.api.beenergised.userdata``.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised import parsers, renderers
from services.core.api.beenergised.context import core, optional_viewer, raw_bearer, viewer
from services.core.api.beenergised.resolvers_auth import (
    hashing,
    limits,
    log_in,
    source_of,
    too_many,
)
from services.core.api.beenergised.userdata import as_user, domain_error_body, error_body, run
from services.core.api.graphql import errors
from services.core.domain import accounts, auth, favourites, outbox, reactivation
from services.core.domain.errors import BadInput, DomainError
from services.core.domain.passwords import hash_password, verify_password
from services.core.domain.validation import check_email, check_password
from services.core.services import accounts as account_service

query = QueryType()
mutation = MutationType()


def _contact_response(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "profile": renderers.contact(c["contact"]),
        "additionalFields": c["additional_fields"],
        "error": None,
    }


def _failed(exc: DomainError) -> dict[str, Any]:
    return {"profile": None, "additionalFields": None, "error": domain_error_body(exc)}


@query.field("contact")
async def resolve_contact(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    return renderers.contact(await as_user(info, accounts.get_contact))


@mutation.field("updateContact")
async def resolve_update_contact(_obj: Any, info: GraphQLResolveInfo,
                                 contactProfile: dict[str, Any]) -> dict[str, Any]:
    me = await viewer(info)
    try:
        return _contact_response(
            await run(info, account_service.update_contact, me.user_id,
                      parsers.contact_profile(contactProfile)))
    except DomainError as exc:
        return _failed(exc)


async def _register(info: GraphQLResolveInfo, profile: dict | None, fields: list | None,
                    password_hash: str | None = None) -> dict[str, Any]:
    return _contact_response(
        await run(info, account_service.register, parsers.contact_profile(profile), fields,
                  password_hash))


async def _registered(info: GraphQLResolveInfo, profile: dict | None,
                      fields: list | None) -> dict[str, Any]:
    password_hash = None
    try:
        password = check_password((profile or {}).get("password"), "contactProfile.password")
    except DomainError:
        pass  # register reports it, in its order of checks
    else:
        password_hash = await hashing(info, hash_password, password)
    return await _register(info, profile, fields, password_hash)


@mutation.field("registerContact")
async def resolve_register(_obj: Any, info: GraphQLResolveInfo,
                           contactProfile: dict | None = None,
                           additionalFields: list | None = None) -> dict[str, Any]:
    try:
        return await _registered(info, contactProfile, additionalFields)
    except DomainError as exc:
        return _failed(exc)


@mutation.field("registerContactAndLogin")
async def resolve_register_and_login(_obj: Any, info: GraphQLResolveInfo,
                                     contactProfile: dict | None = None,
                                     additionalFields: list | None = None) -> dict[str, Any]:
    try:
        contact = await _registered(info, contactProfile, additionalFields)
    except DomainError as exc:
        return {"contact": _failed(exc), "session": None}
    try:
        pair = await log_in(info, contactProfile["email"], contactProfile["password"])
        session = {"sessionToken": pair.session_token, "refreshToken": pair.refresh_token,
                   "error": None}
    except auth.AuthError as exc:  # just registered, so only on races (deleted meanwhile)
        session = {"sessionToken": None, "refreshToken": None,
                   "error": error_body(errors.UNAUTHENTICATED, str(exc), 401)}
    return {"contact": contact, "session": session}


@query.field("additionalRegistrationFields")
async def resolve_additional_fields(_obj: Any, _info: GraphQLResolveInfo) -> list[dict]:
    return [dict(f) for f in accounts.ADDITIONAL_FIELDS]


@query.field("verifyEmail")
async def resolve_verify_email(_obj: Any, info: GraphQLResolveInfo,
                               email: str | None = None) -> dict[str, Any]:
    wait = limits(info).email_checks.take(source_of(info))
    if wait:
        raise too_many(wait, "e-mail checks")
    status, message = accounts.email_shape(email)
    return {"status": status, "message": message}


@mutation.field("changePassword")
async def resolve_change_password(_obj: Any, info: GraphQLResolveInfo,
                                  currentPassword: str | None = None,
                                  newPassword: str | None = None) -> dict[str, Any]:
    me = await viewer(info)
    try:
        new = accounts.check_new_password(currentPassword, newPassword)
    except DomainError as exc:
        raise parsers.wire_error(exc) from None
    # Both scrypt steps on the hashing pool; the db threads only read and write.
    stored = await run(info, accounts.password_hash_of, me.user_id)
    if not await hashing(info, verify_password, currentPassword, stored):
        raise BadInput("currentPassword", "is not correct")
    new_hash = await hashing(info, hash_password, new)
    # Other sessions of the user are revoked; the one making the change stays valid.
    await run(info, accounts.set_password_hash, me.user_id, new_hash, me.session_id)
    return {"code": 200, "status": "success",
            "message": "password changed; other sessions were logged out"}


@mutation.field("reactivateUser")
async def resolve_reactivate(_obj: Any, info: GraphQLResolveInfo,
                             email: str | None = None) -> dict[str, Any]:
    # Rules and the reading of the document: services.core.domain.reactivation.
    token = raw_bearer(info)
    if token:
        status, message = await run(info, accounts.reactivate, email, token)
        return {"status": status, "message": message}
    address = check_email(email, "email")
    wait = limits(info).reactivation_mails.take(source_of(info))
    if wait:
        raise too_many(wait, "reactivation mails")
    mail = await run(info, reactivation.issue_token, address)
    if mail is not None:
        outbox.send(outbox.directory_for(core(info).config.db_path), mail.to, mail.subject,
                    mail.body)
    return {"status": 202, "message": accounts.REACTIVATION_SENT}


@mutation.field("deleteContact")
async def resolve_delete_contact(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    me = await viewer(info)
    c = await run(info, account_service.delete_contact, me.user_id)
    return {"status": "deleted", **_contact_response(c)}


def _request_language(info: GraphQLResolveInfo) -> str | None:
    request = info.context.get("request")
    header = request.headers.get("accept-language") if request is not None else None
    if not header:
        return None
    first = header.split(",")[0].split(";")[0].strip()
    return first.replace("-", "_") or None


@query.field("termsAndConditions")
async def resolve_terms(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    # "in device language": the Accept-Language header, else the user's language, else en.
    language = _request_language(info)
    if language is None:
        me = await optional_viewer(info)
        if me is not None:
            language = (await run(info, accounts.get_contact, me.user_id))["language"]
    row = await run(info, accounts.latest_terms, language)
    if row is None:
        return None
    return {"id": row["uuid"], "url": core(info).url(f"/terms/{row['uuid']}.pdf"),
            "version": row["version"]}


@mutation.field("acceptTermsAndConditions")
async def resolve_accept_terms(_obj: Any, info: GraphQLResolveInfo, id: str
                               ) -> dict[str, Any]:
    version = await as_user(info, accounts.accept_terms, id)
    return {"message": f"terms and conditions version {version} accepted", "status": "success"}


@query.field("getFavouriteCps")
async def resolve_favourite_cps(_obj: Any, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return await as_user(info, account_service.favourite_stations)


@mutation.field("setFavouriteCps")
async def resolve_set_favourites(_obj: Any, info: GraphQLResolveInfo, ids: list[str]
                                 ) -> list[dict]:
    return renderers.favourites(await as_user(info, favourites.set_favourites, ids), True)


@mutation.field("unsetFavouriteCps")
async def resolve_unset_favourites(_obj: Any, info: GraphQLResolveInfo, ids: list[str]
                                   ) -> list[dict]:
    return renderers.favourites(await as_user(info, favourites.unset_favourites, ids), False)


bindables = [query, mutation]
