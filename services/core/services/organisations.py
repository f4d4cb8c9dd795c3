"""Organisations (Wirelane-style partners) as their API needs them: who holds a token, the
connectors they can search, their members with payment methods and contracts.

Functions take the store connection first (``await core.db(fn, ...)``). An organisation
is a partner; its own infrastructure is the stations of the operator linked to it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from services.core.domain import history
from services.core.domain import own_stations as own
from services.core.domain.errors import BadInput, Forbidden, NotFound
from services.core.domain.offers import Offer
from services.core.domain.own_stations import ConnectorInput, StationInput
from services.core.domain.partners import Principal
from services.core.services import offers, partners
from services.core.store import connector_details as details_store
from services.core.store import connectors as connector_store
from services.core.store import members as member_store
from services.core.store import organisation_sessions as session_store
from services.core.store import own_stations as own_store
from services.core.store import stations as station_store
from services.core.store import users as user_store
from services.core.store.connector_search import ConnectorQuery, search
from services.core.store.db import transaction, utcnow
from services.core.store.organisation_sessions import SessionQuery


@dataclass(frozen=True)
class Holder:
    """Who holds an organisation token: the client's principal and, for the password grant,
    the admin user it was issued to."""

    principal: Principal
    user_id: int | None
    user_uuid: str | None
    scopes: tuple[str, ...]


def admin_of(conn: sqlite3.Connection, principal: Principal, user_id: int) -> str | None:
    """The uuid of ``user_id`` when it administers the principal's organisation."""
    if not partners.is_admin(conn, principal, user_id):
        return None
    row = member_store.member(conn, principal.partner_id, user_store.user_uuid(conn, user_id))
    return row["uuid"] if row is not None and row["state"] != "terminated" else None


def holder(conn: sqlite3.Connection, client_id: str, user_uuid: str | None,
           scopes: tuple[str, ...]) -> Holder | None:
    """The holder of a token naming ``client_id`` (and ``user_uuid`` for an admin's token);
    None when the client was revoked or the user is no longer an active admin."""
    principal = partners.client_principal(conn, client_id)
    if principal is None:
        return None
    if user_uuid is None:
        return Holder(principal, None, None, scopes)
    user_id = member_store.user_id_by_uuid(conn, user_uuid)
    if user_id is None or admin_of(conn, principal, user_id) is None:
        return None
    return Holder(principal, user_id, user_uuid, scopes)


# ------------------------------------------------------------------ connectors


def _points(conn: sqlite3.Connection, found: list[tuple[int, float | None]]
            ) -> list[dict[str, Any]]:
    """Connector rows with ``station`` (its station row), ``groups`` and ``distance_m``."""
    ids = [cid for cid, _ in found]
    connectors = {r["id"]: r for r in connector_store.connectors_by_ids(conn, ids)}
    stations = {s["id"]: s for s in station_store.stations_by_ids(
        conn, list({c["station_id"] for c in connectors.values()}))}
    groups = details_store.groups_of(conn, ids)
    out = []
    for cid, distance in found:
        row = connectors.get(cid)
        if row is None:
            continue
        out.append({**row, "station": stations[row["station_id"]], "groups": groups[cid],
                    "distance_m": distance})
    return out


def points(conn: sqlite3.Connection, query: ConnectorQuery, offset: int, limit: int,
           offer: Offer | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """A page of connectors matching ``query`` among those ``offer`` covers."""
    if offer is not None:
        query = replace(query, coverage=offer.coverage)
    return _points(conn, search(conn, query, offset=offset, limit=limit))


def point(conn: sqlite3.Connection, key: str, value: str, offer: Offer | None = None
          ) -> dict[str, Any] | None:  # fmt: skip
    """The connector ``key`` = ``value``; None when there is none or ``offer`` does not
    cover its station."""
    cid = details_store.connector_id_by(conn, key, value)
    found = _points(conn, [(cid, None)]) if cid is not None else []
    if not found or not offers.covers(offer, found[0]["station"]):
        return None
    return found[0]


# ------------------------------------------------------------------ members


def members(conn: sqlite3.Connection, principal: Principal, **query: Any
            ) -> list[dict[str, Any]]:
    return member_store.members(conn, principal.partner_id, **query)


def member(conn: sqlite3.Connection, principal: Principal, user_uuid: str
           ) -> dict[str, Any] | None:
    return member_store.member(conn, principal.partner_id, user_uuid)


def member_payment_methods(conn: sqlite3.Connection, principal: Principal, user_uuid: str
                           ) -> list[dict[str, Any]] | None:
    row = member_store.member(conn, principal.partner_id, user_uuid)
    return None if row is None else member_store.payment_methods(conn, row["id"])


def member_contract(conn: sqlite3.Connection, principal: Principal, user_uuid: str
                    ) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """(member, current contract or None); None for someone who is not a member."""
    row = member_store.member(conn, principal.partner_id, user_uuid)
    return None if row is None else (row, member_store.current_contract(conn, row["id"]))


# ------------------------------------------------------------------ sessions


def _with_figures(conn: sqlite3.Connection, row: dict[str, Any]) -> dict[str, Any]:
    """A session row with its live figures (``history.session_dict``) as ``figures``."""
    return {**row, "figures": history.session_dict(conn, row)}


def sessions(conn: sqlite3.Connection, query: SessionQuery, offset: int, limit: int
             ) -> list[dict[str, Any]]:
    return [_with_figures(conn, r)
            for r in session_store.sessions(conn, query, offset=offset, limit=limit)]


def session(conn: sqlite3.Connection, query: SessionQuery, session_uuid: str
            ) -> dict[str, Any] | None:
    row = session_store.session(conn, query, session_uuid)
    return None if row is None else _with_figures(conn, row)


def connector_ids(conn: sqlite3.Connection, key: str, values: tuple[str, ...]) -> tuple[int, ...]:
    """The ids of the connectors ``values`` name (by ``key``, see ``point``); unknown ones
    are left out."""
    found = (details_store.connector_id_by(conn, key, v) for v in values)
    return tuple(i for i in found if i is not None)


# ------------------------------------------------------------------ own stations


def _ensure_free(conn: sqlite3.Connection, connector: ConnectorInput,
                 other_than: int | None = None) -> None:  # fmt: skip
    if own_store.code_taken(conn, connector.code, other_than):
        raise BadInput("code", f"{connector.code!r} is already the code of another point")
    if connector.evse_id and own_store.evse_taken(conn, connector.evse_id, other_than):
        raise BadInput("evse_id", f"{connector.evse_id!r} is already the EVSE id of another"
                       " point")  # fmt: skip


def create_point(conn: sqlite3.Connection, principal: Principal, station: StationInput,
                 connector: ConnectorInput) -> dict[str, Any]:  # fmt: skip
    """A connector of the organisation's own: on its station ``station.uuid`` when that
    exists, else on a new station (which needs a position). Returns it as ``point``."""
    own.check(station, connector)
    now = utcnow()
    with transaction(conn):
        existing = own_store.station_owner(conn, station.uuid) if station.uuid else None
        operator_id = principal.operator_id
        if existing is not None and existing[1] != operator_id:
            raise BadInput("station_id", f"station {station.uuid!r} is not the organisation's"
                           " own; choose another id")  # fmt: skip
        _ensure_free(conn, connector)
        country2 = station.country2 or "DE"
        party = own.operator_party_id(principal.organisation or principal.name)
        if existing is None:
            for name, value in (("latitude", station.latitude),
                                ("longitude", station.longitude)):
                if value is None:
                    raise BadInput(name, "is required to create a station")
            operator_id = own_store.link_operator(conn, principal.partner_id,
                                                  principal.organisation or principal.name,
                                                  party, country2)  # fmt: skip
            label = " ".join(x for x in (station.address, station.city) if x) or connector.code
            station_id = own_store.insert_station(
                conn, operator_id, replace(station, country3=station.country3 or "DEU"), label,
                now)  # fmt: skip
        else:
            station_id = existing[0]
            own_store.update_station(conn, station_id, station)
        current_type = connector.current_type or own.default_current_type(connector.plug_type)
        plug_type = connector.plug_type or own.default_plug(current_type)
        own.check(StationInput(), replace(connector, plug_type=plug_type,
                                          current_type=current_type))
        power = connector.max_power_kw or (22.0 if current_type == "AC" else 50.0)
        sort_order = own_store.next_sort_order(conn, station_id)
        evse = connector.evse_id or own.evse_id(country2, party, station_id, sort_order)
        if own_store.evse_taken(conn, evse):
            raise BadInput("evse_id", f"{evse!r} is already the EVSE id of another point")
        connector_id = own_store.insert_connector(conn, station_id, sort_order, evse, connector,
                                                  plug_type, current_type, power, now)
    found = point(conn, "id", str(connector_id))
    assert found is not None
    return found


def update_point(conn: sqlite3.Connection, principal: Principal, connector_id: int,
                 station: StationInput, connector: ConnectorInput) -> dict[str, Any]:
    """Change a connector of the organisation's own (and the station it is on)."""
    own.check(station, connector)
    with transaction(conn):
        current = own_store.connector_owner(conn, connector_id)
        if current is None:
            raise NotFound("point: not found", field="point")
        if principal.operator_id is None or current["operator_id"] != principal.operator_id:
            raise Forbidden("point: not the organisation's own infrastructure", field="point")
        if station.uuid is not None and station.uuid != current["station_uuid"]:
            raise BadInput("station_id", "a point stays on its station; create a point on the"
                           " other station instead")  # fmt: skip
        own.check(StationInput(), replace(
            connector, plug_type=connector.plug_type or current["plug_type"],
            current_type=connector.current_type or current["current_type"]))
        _ensure_free(conn, connector, connector_id)
        own_store.update_station(conn, current["station_id"], station)
        own_store.update_connector(conn, connector_id, connector, utcnow())
    found = point(conn, "id", str(connector_id))
    assert found is not None
    return found


def connector_id(conn: sqlite3.Connection, key: str, value: str) -> int | None:
    return details_store.connector_id_by(conn, key, value)
