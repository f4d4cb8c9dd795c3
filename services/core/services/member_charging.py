"""Charging on behalf of a partner's members at the partner's operator's stations (AMPECO
start, stop): which connector, user and card a start names, which session a stop names,
and the start attempt once it settled.

A connector or station outside the operator's network (outside what the API's offer sells,
where it has one), and a session outside the members', are ``NotFound``; a user or card the
start names that is not the partner's is ``BadInput`` naming the request's field.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from services.core.domain import charging
from services.core.domain.errors import BadInput, NotFound
from services.core.domain.offers import Offer
from services.core.domain.partners import Principal
from services.core.store import connectors as connector_store
from services.core.store import member_records
from services.core.store import partners as partner_store

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class StartTarget:
    user_id: int
    connector_id: int
    card_id: int | None
    tag: str | None
    user_active: bool


def connector(conn: sqlite3.Connection, principal: Principal, *, station_id: int | None = None,
              number: int | None = None, connector_id: int | None = None,
              field: str, offer: Offer | None = None) -> dict[str, Any]:  # fmt: skip
    """The connector a start or reservation names, among the operator's stations (those
    ``offer`` sells, where the API has an offer)."""
    found = member_records.operator_connector(
        conn, principal.operator_id or 0, connector_id=connector_id, station_id=station_id,
        number=number, coverage=offer.coverage if offer is not None else None)
    if found is None:
        raise NotFound(f"{field}: not found", field=field)
    return found


def start_target(conn: sqlite3.Connection, principal: Principal, connector_id: int,
                 user_id: int | None, tag: str | None, fields: dict[str, str]
                 ) -> StartTarget:  # fmt: skip
    """Who starts with which card: the user named (a member), or the owner of the tag named;
    the tag, else the user's first card that can charge (``fields``: ``user``, ``tag``)."""
    tag = (tag or "").strip().upper() or None
    card = None
    if tag is not None:
        card = conn.execute("SELECT * FROM cards WHERE tag_id = ?", (tag,)).fetchone()
        if card is None or partner_store.membership(conn, principal.partner_id,
                                                    card["user_id"]) is None:  # fmt: skip
            raise BadInput(fields["tag"], "is not an id tag of the operator's users")
        if user_id is not None and card["user_id"] != user_id:
            raise BadInput(fields["tag"], "belongs to another user")
        user_id = int(card["user_id"])
    if user_id is None:
        raise BadInput(fields["user"], f"is required when {fields['tag']} is not given")
    user = conn.execute("SELECT active FROM users WHERE id = ?", (user_id,)).fetchone()
    if user is None or partner_store.membership(conn, principal.partner_id, user_id) is None:
        raise BadInput(fields["user"], "is not one of the operator's users")
    card_id = int(card["id"]) if card is not None else None
    if card is None:
        for row in conn.execute("SELECT * FROM cards WHERE user_id = ? ORDER BY id",
                                (user_id,)):  # fmt: skip
            if charging.card_problem(row, datetime.now(UTC)) is None:
                card_id, tag = int(row["id"]), row["tag_id"]
                break
        else:
            raise BadInput(fields["tag"], "is required: the user has no enabled id tag")
    return StartTarget(user_id, connector_id, card_id, tag, bool(user["active"]))


def stop_target(conn: sqlite3.Connection, principal: Principal, station_id: int,
                session_id: int, field: str) -> tuple[int, str, bool]:  # fmt: skip
    """(user id, session uuid, whether its charger is connected) of a member's session at
    the station."""
    found = member_records.session(conn, principal.partner_id, session_id)
    if found is None or int(found["station_id"]) != station_id:
        raise NotFound(f"{field}: no session {session_id} at this charge point", field=field)
    return int(found["user_id"]), found["uuid"], connector_store.station_connected(
        conn, station_id)
