"""What the operator tells its drivers: ``/resources/terms-and-policies/v2.0`` (the core's
published terms, one version with every language's text), ``/resources/contact-details/v2.0``
(the operator's service e-mail and phone) and ``/resources/faqs/v2.0``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.core.api.ampeco import paging, params, respond
from services.core.api.ampeco.access import operator, parse_id
from services.core.api.ampeco.errors import not_found
from services.core.api.ampeco.listing import operator_matches
from services.core.api.ampeco.params import NoMatch
from services.core.api.ampeco.respond import timestamp
from services.core.domain import faqs
from services.core.services import operator_catalogue as catalogue

TERMS = "/public-api/resources/terms-and-policies/v2.0"
CONTACT = "/public-api/resources/contact-details/v2.0"
FAQS = "/public-api/resources/faqs/v2.0"
# The terms drivers accept when they sign up: the one document the core publishes.
TERMS_DOCUMENT_ID = 1

TERMS_FILTERS: dict[str, params.Parser] = {
    "operatorId": params.integers, "documentId": params.integer, "validFrom": params.moment,
}
FAQ_FILTERS: dict[str, params.Parser] = {"operatorId": params.integers}


def _texts(version: dict[str, Any], column: str) -> list[dict[str, str]]:
    return [{"locale": lang, "translation": row[column]}
            for lang, row in sorted(version["texts"].items())]


def term_version(version: dict[str, Any], operator_id: int, status: str) -> dict[str, Any]:
    return {
        "id": version["id"],
        "operatorId": operator_id,
        "document": {
            "id": TERMS_DOCUMENT_ID,
            "title": _texts(version, "title"),
            "consentText": _texts(version, "title"),
            "termType": "signup",
            "consentRequired": True,
            "consentCollection": "explicit",
            "consentCheckboxDefaultState": False,
            "showOnSignup": True,
        },
        "validFrom": timestamp(version["published_at"]),
        "content": _texts(version, "body"),
        "status": status,
        "lastUpdatedAt": timestamp(version["published_at"]),
    }


def with_status(versions: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    """Each version with ``future`` / ``active`` (the newest in force) / ``past``."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    in_force = [v for v in versions if v["published_at"] <= now]
    active = max(in_force, key=lambda v: v["published_at"], default=None)
    return [(v, "future" if v["published_at"] > now else "active" if v is active else "past")
            for v in versions]


def faq(item: faqs.Faq, operator_id: int) -> dict[str, Any]:
    return {"id": item.id, "operatorId": operator_id,
            "question": [{"locale": k, "translation": v} for k, v in item.question.items()],
            "answer": [{"locale": k, "translation": v} for k, v in item.answer.items()],
            "lastUpdatedAt": timestamp(faqs.UPDATED_AT)}


def routes(core: Any) -> list[Route]:
    async def list_terms(request: Request) -> Response:
        principal = await operator(core, request)
        win = paging.window(request, page_form=True)
        op = catalogue.operator_id(principal)
        items: list[dict[str, Any]] = []
        try:
            found = params.filters(request, TERMS_FILTERS)
            operator_matches(principal, found.get("operatorId"))
            if found.get("documentId") not in (None, TERMS_DOCUMENT_ID):
                raise NoMatch
            since = found.get("validFrom")
            versions = with_status(await core.db(catalogue.terms_versions))
            items = [term_version(v, op, status) for v, status in versions
                     if since is None or v["published_at"] >= since]
        except NoMatch:
            pass
        return respond.json(paging.listing(request, win, items))

    async def read_terms(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["termVersion"], "terms version")
        for version, status in with_status(await core.db(catalogue.terms_versions)):
            if version["id"] == wanted:
                # this read's schema is the version itself, without the "data" wrapper
                return respond.json(term_version(version, catalogue.operator_id(principal),
                                                 status))
        raise not_found(f"No terms version with id {wanted}.")

    async def contact(request: Request) -> Response:
        principal = await operator(core, request)
        found = await core.db(catalogue.contact, principal)
        if found is None or not found.get("email"):
            raise not_found("The operator has published no contact details.")
        # the schema is the details themselves, without the "data" wrapper
        return respond.json({"email": found["email"], "phone": found.get("phone")})

    async def list_faqs(request: Request) -> Response:
        principal = await operator(core, request)
        # no 422 documented here: the lenient reading of paging and filters
        win = paging.window(request, page_form=True, refuse=None)
        op = catalogue.operator_id(principal)
        items: list[dict[str, Any]] = []
        try:
            found = params.filters(request, FAQ_FILTERS, refuse=None)
            operator_matches(principal, found.get("operatorId"))
            items = [faq(f, op) for f in catalogue.faq_list()]
        except NoMatch:
            pass
        return respond.json(paging.listing(request, win, items))

    async def read_faq(request: Request) -> Response:
        principal = await operator(core, request)
        wanted = parse_id(request.path_params["faq"], "faq")
        item = faqs.BY_ID.get(wanted)
        if item is None:
            raise not_found(f"No FAQ with id {wanted}.")
        return respond.data(faq(item, catalogue.operator_id(principal)))

    return [
        Route(TERMS, list_terms, methods=["GET"]),
        Route(f"{TERMS}/{{termVersion}}", read_terms, methods=["GET"]),
        Route(CONTACT, contact, methods=["GET"]),
        Route(FAQS, list_faqs, methods=["GET"]),
        Route(f"{FAQS}/{{faq}}", read_faq, methods=["GET"]),
    ]

