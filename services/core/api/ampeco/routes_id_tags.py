"""``/public-api/resources/id-tags/v2.0``: list, create, read, update, delete the id tags of
the operator's users. A disabled or suspended tag is refused at the charger.

Readings: a tag belongs to one of the operator's users here, so ``userId`` is required on
create (422 without it); only ``rfid`` tags are kept (``mac_address`` is refused with 422).
An id of another operator's tag answers 404 on update and delete too, although the document
lists no 404 for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.api.ampeco import params, slices
from services.core.api.ampeco.access import operator, parse_id
from services.core.api.ampeco.errors import invalid
from services.core.api.ampeco.listing import operator_matches
from services.core.api.ampeco.paging import window
from services.core.api.ampeco.params import NoMatch
from services.core.api.ampeco.refusals import refusal, refusing
from services.core.api.ampeco.render_id_tags import STATE_OF_STATUS, id_tag
from services.core.api.ampeco.respond import data
from services.core.api.rest.body import parse_body
from services.core.domain.errors import DomainError
from services.core.services import member_cards

PATH = "/public-api/resources/id-tags/v2.0"
Status = Literal["enabled", "disabled", "suspended"]
FIELDS = {"user": "userId", "tag": "idTagUid", "label": "idLabel", "state": "status",
          "reference": "externalId", "id": "idTag"}  # fmt: skip
FILTERS = {"operatorId": params.integers, "idTagUid": params.text, "idLabel": params.text,
           "userId": params.integer, "expireAt": params.moment,
           "status": params.one_of("enabled", "disabled", "suspended"),
           "type": params.one_of("rfid", "mac_address", "emaid"),
           "partnerId": params.integer, "lastUpdatedAfter": params.moment,
           "lastUpdatedBefore": params.moment}  # fmt: skip


class _Tag(BaseModel):
    # Clients generated from the document may send the read-only fields back: ignored.
    model_config = ConfigDict(extra="ignore")
    idLabel: Annotated[str, Field(max_length=60)] | None = None
    expireAt: datetime | None = None
    status: Status | None = None
    externalId: Annotated[str, Field(max_length=100)] | None = None
    vehicleType: Literal["company_car", "private_car"] | None = None
    paymentMethodId: str | None = None
    partnerId: int | None = None


class NewTag(_Tag):
    idTagUid: Annotated[str, Field(min_length=1, max_length=20)]
    status: Status
    type: Literal["rfid", "mac_address"]
    userId: int | None = None
    operatorId: int | None = None


class TagChanges(_Tag):
    idTagUid: str | None = None
    type: Literal["rfid", "mac_address"] | None = None
    userId: int | None = None


def routes(core: Any) -> list[BaseRoute]:
    async def listing(request: Request) -> Response:
        principal = await operator(core, request)
        win = window(request, page_form=True)

        async def read() -> tuple[list[dict[str, Any]], int]:
            found = params.filters(request, FILTERS)
            operator_matches(principal, found.get("operatorId"))
            if found.get("type", "rfid") != "rfid" or "partnerId" in found:
                raise NoMatch
            return await core.db(
                member_cards.cards_page, principal, slices.slice_of(win),
                user_id=found.get("userId"), tag=found.get("idTagUid"),
                label=found.get("idLabel"), expires=found.get("expireAt"),
                status=STATE_OF_STATUS.get(found.get("status", "")),
                # a tag's lastUpdatedAt is when it was created (the core keeps no other)
                created_after=found.get("lastUpdatedAfter"),
                created_before=found.get("lastUpdatedBefore"))

        operator_id = principal.operator_id or 0
        return await slices.page(request, win, read, lambda r: id_tag(r, operator_id))

    async def create(request: Request) -> Response:
        principal = await operator(core, request)
        body = await parse_body(request, NewTag)
        if body.type != "rfid":
            raise invalid("type", "must be rfid: this core keeps RFID tags only.")
        if body.userId is None:
            raise invalid("userId", "is required: a tag belongs to one of the operator's users.")
        try:
            row = await core.db(member_cards.create, principal, user_id=body.userId,
                                tag=body.idTagUid, label=body.idLabel,
                                state=STATE_OF_STATUS[body.status], expires=body.expireAt,
                                reference=body.externalId, fields=FIELDS)  # fmt: skip
        except DomainError as exc:
            if exc.field == FIELDS["user"]:
                raise invalid("userId", "does not name one of the operator's users.") from None
            if exc.field == FIELDS["tag"] and exc.code == "CONFLICT":
                raise invalid("idTagUid", "has already been taken.") from None
            raise refusal(exc) from None
        return data(id_tag(row, principal.operator_id or 0), 201)

    async def read(request: Request) -> Response:
        principal = await operator(core, request)
        card_id = parse_id(request.path_params["idTag"], "id tag")
        with refusing():
            row = await core.db(member_cards.card, principal, card_id, FIELDS["id"])
        return data(id_tag(row, principal.operator_id or 0))

    async def update(request: Request) -> Response:
        principal = await operator(core, request)
        card_id = parse_id(request.path_params["idTag"], "id tag")
        body = await parse_body(request, TagChanges)
        given = body.model_fields_set
        changes: dict[str, Any] = {}
        for name, key in (("idLabel", "label"), ("expireAt", "expires"),
                          ("externalId", "reference")):
            if name in given:
                changes[key] = getattr(body, name)
        if "status" in given:
            if body.status is None:
                raise invalid("status", "must be enabled, disabled or suspended.")
            changes["state"] = STATE_OF_STATUS[body.status]
        with refusing():
            current = await core.db(member_cards.card, principal, card_id, FIELDS["id"])
            _unchangeable(body, current)
            row = await core.db(member_cards.update, principal, card_id, changes, FIELDS)
        return data(id_tag(row, principal.operator_id or 0))

    async def delete(request: Request) -> Response:
        principal = await operator(core, request)
        card_id = parse_id(request.path_params["idTag"], "id tag")
        with refusing():
            await core.db(member_cards.delete, principal, card_id, FIELDS["id"])
        return Response(status_code=204)

    return [Route(PATH, listing, methods=["GET"]), Route(PATH, create, methods=["POST"]),
            Route(f"{PATH}/{{idTag}}", read, methods=["GET"]),
            Route(f"{PATH}/{{idTag}}", update, methods=["PATCH"]),
            Route(f"{PATH}/{{idTag}}", delete, methods=["DELETE"])]


def _unchangeable(body: TagChanges, current: dict[str, Any]) -> None:
    """The UID, owner and type of a tag are what it is: a PATCH may repeat them, not change
    them (a new UID is a new tag)."""
    given = body.model_fields_set
    if "idTagUid" in given and (body.idTagUid or "").upper() != current["tag_id"]:
        raise invalid("idTagUid", "cannot be changed; create a new id tag instead.")
    if "userId" in given and body.userId != current["user_id"]:
        raise invalid("userId", "cannot be changed; create a new id tag for the other user.")
    if "type" in given and body.type != "rfid":
        raise invalid("type", "must be rfid: this core keeps RFID tags only.")
