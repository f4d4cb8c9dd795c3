"""``/public-api/resources/users/v1.1`` (list, create, read, update) and, per user,
``/users/v1.0/{user}/payment-methods`` and ``/invoice-details``: the operator's users.

A user created here becomes one of the operator's users (a member of its partner); a token
sees only those, and any other id answers 404. Request bodies use the document's snake_case
names (``first_name``, ``post_code``), answers its camelCase ones.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.api.ampeco import params, slices
from services.core.api.ampeco.access import operator, parse_id
from services.core.api.ampeco.errors import invalid
from services.core.api.ampeco.listing import operator_matches
from services.core.api.ampeco.paging import page_body, window
from services.core.api.ampeco.params import NoMatch
from services.core.api.ampeco.refusals import refusing
from services.core.api.ampeco.render_users import (
    invoice_details,
    payment_method,
    stored_details,
    user,
)
from services.core.api.ampeco.respond import data, json
from services.core.api.rest.body import parse_body
from services.core.domain.accounts import language_code
from services.core.domain.errors import BadInput
from services.core.domain.passwords import hash_password
from services.core.domain.validation import check_email
from services.core.services import member_users

USERS = "/public-api/resources/users/v1.1"
PER_USER = "/public-api/resources/users/v1.0/{user}"
LOCALES = ("en", "bg", "mk", "el", "zh-CN", "zh-HK", "zh-TW", "pt", "sl", "hr", "it", "de",
           "hu", "fi", "is", "sv-SE", "da-DK", "nb-NO", "tr-TR", "es-ES", "ar", "ary", "he",
           "ta", "ms", "cy", "sr", "fr", "fr-MA", "ro", "lt", "uk", "ru", "nl", "ca-ES", "id",
           "ar-EG", "pl", "lo", "th", "sq-XK", "ga-IE", "bs", "ja", "cs", "lv", "et", "az",
           "ka")  # fmt: skip
INCLUDES = ("partnerInvites", "externalAppData", "invoiceDetails")
FILTERS = {"operatorId": params.integers, "userGroupId": params.integer,
           "partnerId": params.integer, "externalId": params.text, "email": params.text,
           "externalAppData": params.text, "lastUpdatedAfter": params.moment,
           "lastUpdatedBefore": params.moment, "lastActivityBefore": params.moment,
           "invoiceDetailsLastUpdatedAfter": params.moment,
           "invoiceDetailsLastUpdatedBefore": params.moment, "createdAfter": params.moment,
           "createdBefore": params.moment}  # fmt: skip
Text = Annotated[str, Field(max_length=100)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class _Profile(BaseModel):
    model_config = ConfigDict(extra="ignore")
    first_name: Text | None = None
    last_name: Text | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    country: Country | None = None
    state: Annotated[str, Field(max_length=10)] | None = None
    city: Text | None = None
    post_code: Annotated[str, Field(max_length=20)] | None = None
    address: Text | None = None
    locale: Literal[LOCALES] | None = None  # type: ignore[valid-type]
    externalId: Text | None = None


class NewUser(_Profile):
    email: Annotated[str, Field(max_length=254)]
    password: Annotated[str, Field(min_length=6, max_length=128)]


class UserChanges(_Profile):
    email: Annotated[str, Field(max_length=254)] | None = None
    password: Annotated[str, Field(min_length=6, max_length=128)] | None = None


class InvoiceDetails(BaseModel):
    model_config = ConfigDict(extra="ignore")
    requireInvoice: bool
    invoiceType: Literal["individual", "company"] | None
    individualName: Text | None = None
    individualPersonalId: Text | None = None
    individualTaxId: Text | None = None
    companyName: Text | None = None
    companyRegNo: Text | None = None
    companyTaxId: Text | None = None
    companyTaxAdministrationOfficeName: Text | None = None
    country: Country | None = None
    region: Text | None = None
    state: Annotated[str, Field(max_length=10)] | None = None
    city: Text | None = None
    postCode: Annotated[str, Field(max_length=20)] | None = None
    address: Text | None = None


def _columns(body: _Profile) -> dict[str, Any]:
    return {"first_name": body.first_name, "last_name": body.last_name, "phone": body.phone,
            "country": body.country, "state": body.state, "city": body.city,
            "zip": body.post_code, "street": body.address,
            "language": language_code(body.locale.split("-")[0]) if body.locale else None}


def _extra(body: _Profile) -> dict[str, Any]:
    given = body.model_fields_set
    return {key: getattr(body, name) for name, key in (("externalId", "external_id"),
                                                       ("locale", "locale")) if name in given}


def _email(value: str) -> str:
    try:
        return check_email(value, "email")
    except BadInput as exc:
        raise invalid("email", "must be a valid email address.") from exc


def routes(core: Any) -> list[BaseRoute]:
    async def hashed(password: str) -> str:
        return await core.hashing.run(hash_password, password)

    async def listing(request: Request) -> Response:
        principal = await operator(core, request)
        win = window(request, page_form=True, refuse=None)
        chosen = params.includes(request, INCLUDES, refuse=None)

        async def read() -> tuple[list[dict[str, Any]], int]:
            found = params.filters(request, FILTERS, refuse=None)
            operator_matches(principal, found.get("operatorId"))
            if any(k in found for k in ("userGroupId", "partnerId", "externalAppData",
                                        "lastActivityBefore")):
                raise NoMatch
            return await core.db(
                member_users.users_page, principal, slices.slice_of(win),
                email=found.get("email"), created_after=found.get("createdAfter"),
                created_before=found.get("createdBefore"),
                updated_after=found.get("lastUpdatedAfter"),
                updated_before=found.get("lastUpdatedBefore"),
                external_id=found.get("externalId"),
                details_after=found.get("invoiceDetailsLastUpdatedAfter"),
                details_before=found.get("invoiceDetailsLastUpdatedBefore"))

        operator_id = principal.operator_id or 0
        return await slices.page(request, win, read, lambda r: user(r, operator_id, chosen))

    async def create(request: Request) -> Response:
        principal = await operator(core, request)
        body = await parse_body(request, NewUser)
        email = _email(body.email)
        with refusing():
            row = await core.db(member_users.create, principal, email=email,
                                password_hash=await hashed(body.password),
                                columns=_columns(body), active=True, extra=_extra(body),
                                email_field="email")  # fmt: skip
        return data(user(row, principal.operator_id or 0), 201)

    async def read(request: Request) -> Response:
        principal = await operator(core, request)
        user_id = parse_id(request.path_params["user"], "user")
        chosen = params.includes(request, INCLUDES, refuse=None)
        with refusing():
            row = await core.db(member_users.user, principal, user_id, "user")
        return data(user(row, principal.operator_id or 0, chosen))

    async def update(request: Request) -> Response:
        principal = await operator(core, request)
        user_id = parse_id(request.path_params["user"], "user")
        chosen = params.includes(request, INCLUDES)
        body = await parse_body(request, UserChanges)
        email = _email(body.email) if body.email is not None else None
        with refusing():
            await core.db(member_users.user, principal, user_id, "user")
            row = await core.db(
                member_users.update, principal, user_id, columns=_columns(body), email=email,
                password_hash=await hashed(body.password) if body.password else None,
                extra=_extra(body), fields={"id": "user", "email": "email"})
        return data(user(row, principal.operator_id or 0, chosen))

    async def methods(request: Request) -> Response:
        principal = await operator(core, request)
        user_id = parse_id(request.path_params["user"], "user")
        win = window(request, page_form=True, refuse=None)
        with refusing():
            rows = await core.db(member_users.payment_methods, principal, user_id, "user")
        ranked = list(enumerate(rows))
        page = ranked[win.offset:win.offset + win.per_page]
        return json(page_body(request, win, page, len(ranked),
                              lambda item: payment_method(item[1], item[0] == 0)))

    async def method(request: Request) -> Response:
        principal = await operator(core, request)
        user_id = parse_id(request.path_params["user"], "user")
        with refusing():
            row, default = await core.db(
                member_users.payment_method, principal, user_id,
                request.path_params["paymentMethodId"],
                {"user": "user", "method": "paymentMethodId"})
        return data(payment_method(row, default))

    async def read_details(request: Request) -> Response:
        principal = await operator(core, request)
        user_id = parse_id(request.path_params["user"], "user")
        with refusing():
            stored = await core.db(member_users.invoice_details, principal, user_id, "user")
        return json(invoice_details(stored))

    async def write_details(request: Request) -> Response:
        principal = await operator(core, request)
        user_id = parse_id(request.path_params["user"], "user")
        body = await parse_body(request, InvoiceDetails)
        with refusing():
            stored = await core.db(member_users.set_invoice_details, principal, user_id,
                                   stored_details(body.model_dump()), "user")  # fmt: skip
        return json(invoice_details(stored))

    return [Route(USERS, listing, methods=["GET"]), Route(USERS, create, methods=["POST"]),
            Route(f"{USERS}/{{user}}", read, methods=["GET"]),
            Route(f"{USERS}/{{user}}", update, methods=["PATCH"]),
            Route(f"{PER_USER}/payment-methods", methods, methods=["GET"]),
            Route(f"{PER_USER}/payment-methods/{{paymentMethodId}}", method, methods=["GET"]),
            Route(f"{PER_USER}/invoice-details", read_details, methods=["GET"]),
            Route(f"{PER_USER}/invoice-details", write_details, methods=["POST"])]
