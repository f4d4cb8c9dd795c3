"""What partners push (rules: ``services.core.domain.partner_feeds``): identifiers,
stations, connector statuses, sessions (CDRs), UID whitelists; and the online check of a
UID for a partner's charger."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from services.core.domain import charging_keys, evco
from services.core.domain.partner_feeds import (
    MAX_IDENTIFIER,
    FeedError,
    PostedSession,
    PostedStation,
)
from services.core.domain.partners import Principal
from services.core.services import session_views
from services.core.store import partner_feeds as store
from services.core.store import users as user_store
from services.core.store.db import to_iso, transaction


def _now(now: datetime | None) -> str:
    return to_iso(now or datetime.now(UTC))


def _own(conn: sqlite3.Connection, principal: Principal, identifier: str, now: str) -> None:
    """Claim ``identifier`` for the partner on first use; refuse another partner's."""
    if not identifier or len(identifier) > MAX_IDENTIFIER:
        raise FeedError("identifier", "partner-identifier",
                        f"must be 1 to {MAX_IDENTIFIER} characters")
    owner = store.identifier_owner(conn, identifier)
    if owner is None:
        store.claim_identifier(conn, identifier, principal.partner_id, now)
    elif owner != principal.partner_id:
        raise FeedError("identifier", "partner-identifier", "belongs to another partner")


def _operator(conn: sqlite3.Connection, country: str, party: str) -> int:
    """The operator with this EVSE operator id (country and party id), new if none has."""
    found = store.operator_by_party(conn, country, party)
    if found is not None:
        return found
    return store.insert_operator(conn, f"{country}*{party}", party, country)


def post_station(conn: sqlite3.Connection, principal: Principal, identifier: str,
                 st: PostedStation, now: datetime | None = None) -> int:  # fmt: skip
    """Create or update the partner's station; returns its id."""
    ts = _now(now)
    with transaction(conn):
        _own(conn, principal, identifier, ts)
        cols: dict[str, Any] = {
            "operator_id": _operator(conn, st.operator_country, st.operator_party),
            "label": st.name, "public_name": st.name, "address": st.street, "zip": st.zip,
            "city": st.city, "country": st.country3, "latitude": st.latitude,
            "longitude": st.longitude, "access_type": "ROAMING",
            "opening_hours": json.dumps(st.opening_hours),
            "details": json.dumps({**st.details, "private": st.private}),
            "static_changed_at": ts, "deleted_at": ts if st.deleted else None,
        }  # fmt: skip
        wanted = [c.evse_id for c in st.connectors]
        existing = store.station_of_partner(conn, principal.partner_id, st.external_id)
        connectors = [{"evse_id": c.evse_id, "plug_type": c.plug_type,
                       "current_type": c.current_type, "max_power_kw": c.max_power_kw,
                       "free_of_charge": int(st.free_of_charge)} for c in st.connectors]
        if existing is not None:
            station_id = int(existing["id"])
            have = {c["evse_id"]: c for c in store.connectors_of(conn, station_id)}
            if sorted(have) != sorted(wanted):
                raise FeedError("conflict", "station.connectors", "the connectors of an "
                                "existing station cannot change (the same ids must be sent)")
            store.reindex(conn, station_id)  # the position triggers expect indexed rows
            store.update_station(conn, station_id, cols)
            for c in connectors:
                store.update_connector(conn, int(have[c["evse_id"]]["id"]), c)
        else:
            for i, evse_id in enumerate(wanted):
                if store.evse_station(conn, evse_id) is not None:
                    raise FeedError("conflict", f"station.connectors.{i}.id",
                                    f"EVSE ID '{evse_id}' is in use")
            station_id = store.insert_station(conn, {
                **cols, "partner_id": principal.partner_id, "external_id": st.external_id})
            for i, c in enumerate(connectors, start=1):
                store.insert_connector(conn, station_id, i, c)
        if st.deleted:
            store.unindex(conn, station_id)
        return station_id


def partner_connector(conn: sqlite3.Connection, principal: Principal, identifier: str,
                      evse_id: str) -> int:  # fmt: skip
    """The id of a connector of the partner's own stations (those it pushed, and those of
    the operator it speaks for), by EVSE ID."""
    with transaction(conn):
        _own(conn, principal, identifier, _now(None))
    row = store.evse_station(conn, evse_id)
    own = row is not None and (row["partner_id"] == principal.partner_id or (
        principal.operator_id is not None and row["operator_id"] == principal.operator_id))
    if not own:
        raise FeedError("not_found", "connector-id",
                        f"no EVSE '{evse_id}' at a station of this partner")
    return int(row["id"])


def customer(conn: sqlite3.Connection, kind: str, value: str) -> tuple[int, int | None] | None:
    """(user id, card id) of a driver named by UID, EVCO ID or user name / e-mail (any
    driver: a partner reports sessions of whoever charged at its stations)."""
    if kind == "rfid":
        card = store.card_by_tag(conn, value)
        return None if card is None else (int(card["user_id"]), int(card["id"]))
    if kind == "evco-id":
        ref = evco.parse(value)
        if ref is None:
            return None
        if ref.kind == evco.CARD:
            card = store.card_by_id(conn, ref.row_id)
            return None if card is None else (int(card["user_id"]), int(card["id"]))
        user = user_store.user_by_id(conn, ref.row_id)
        return None if user is None else (int(user["id"]), None)
    user = user_store.user_by_login(conn, value)
    return None if user is None else (int(user["id"]), None)


def post_session(conn: sqlite3.Connection, principal: Principal, identifier: str,
                 s: PostedSession, now: datetime | None = None) -> str:  # fmt: skip
    """Record (or update) a session the partner reports; returns its uuid."""
    ts = _now(now)
    connector_id = partner_connector(conn, principal, identifier, s.evse_id)
    with transaction(conn):
        station = store.evse_station(conn, s.evse_id)
        assert station is not None  # partner_connector found it
        cols: dict[str, Any] = {
            "user_id": s.user_id, "card_id": s.card_id, "connector_id": connector_id,
            "station_id": int(station["station_id"]),
            "state": "finished" if s.stop is not None else "charging",
            "auth_id": s.auth_id, "auth_type": "RFID" if s.card_id else "APP",
            "date_start": to_iso(s.start), "date_end": to_iso(s.stop) if s.stop else None,
            "charging_end": to_iso(s.charging_end) if s.charging_end else None,
            "energy_kwh": s.energy_kwh, "currency": s.currency, "cost_total": s.cost,
            "updated_at": ts,
        }  # fmt: skip
        existing = store.session_of_partner(conn, principal.partner_id, s.external_id)
        try:
            if existing is not None:
                store.update_session(conn, int(existing["id"]), cols)
                return str(existing["uuid"])
            sid = store.insert_session(conn, {**cols, "partner_id": principal.partner_id,
                                              "external_id": s.external_id, "created_at": ts})
        except sqlite3.IntegrityError:
            # The one running session per connector: another one is running there.
            raise FeedError("conflict", "connector-id", "another session is running on this "
                            "EVSE") from None
        return str(conn.execute("SELECT uuid FROM sessions WHERE id = ?", (sid,)).fetchone()[0])


def replace_whitelist(conn: sqlite3.Connection, principal: Principal, identifier: str,
                      uids: list[str], now: datetime | None = None) -> int:  # fmt: skip
    """Make ``uids`` the identifier's whole whitelist; returns how many are new."""
    ts = _now(now)
    with transaction(conn):
        _own(conn, principal, identifier, ts)
        return store.replace_whitelist(conn, identifier, uids, ts)


def verify_uid(conn: sqlite3.Connection, uid: str) -> str:
    """'unknown', 'blocked', 'no_payment' or 'ok' for a UID of one of the core's drivers."""
    state, owner = charging_keys.verify_tag(conn, uid)
    if state != "active" or owner is None:
        return state
    return "ok" if session_views.billable(conn, owner) else "no_payment"
