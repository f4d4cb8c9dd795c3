"""Reservations: a driver's hold on one connector for a number of minutes (OCPP ReserveNow).

Statuses of a ``reservations`` row::

    pending -> accepted -> used | expired | cancelled
        \\-> failed (the charger answered Faulted, Occupied, Rejected, Unavailable, or not)
        \\-> cancelled | expired

- ``pending``: recorded, ReserveNow sent, the charger has not answered yet;
- ``accepted``: the charger holds the connector (it reports it ``Reserved``); only the
  reservation's card, or any card of the same driver (its ``parent_tag``), may start there;
- ``used``: that driver started; ``session_id`` is the session it let start;
- ``expired``: its time ran out (the charger frees the connector, the core marks it too);
- ``cancelled``: the driver (or the operator) cancelled it (OCPP CancelReservation);
- ``failed``: the charger refused or did not answer; ``failure_reason`` says why.

The partial unique index ``reservations_open_per_connector`` (migration 14) makes the
database refuse a second open reservation on one connector. ``id`` is the OCPP
reservationId. Plain sync functions taking ``conn`` first (run them through ``Core.db``).
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.core.domain.errors import BadInput, Conflict, NotFound
from services.core.store.connectors import id_by_ref
from services.core.store.db import from_iso, to_iso, transaction

PENDING, ACCEPTED, EXPIRED, CANCELLED, USED, FAILED = (
    "pending", "accepted", "expired", "cancelled", "used", "failed",
)
STATUSES = (PENDING, ACCEPTED, EXPIRED, CANCELLED, USED, FAILED)
OPEN = (PENDING, ACCEPTED)
MIN_MINUTES, MAX_MINUTES = 1, 1440

# OCPP idToken is at most 20 characters; cards are hex UIDs, so a tag starting with letters
# beyond F can never be a card's own tag.
_PARENT_PREFIX = "VOLTRA"


class Refusal:
    """Why a reservation cannot be made or did not hold (``ReservationRefused.refusal``)."""

    CHARGER_OFFLINE = "Charger offline: it is not connected right now."
    OUT_OF_ORDER = "Connector out of order: the charger reports it unavailable."
    OCCUPIED = "Connector occupied: it is in use, so it cannot be reserved."
    ALREADY_RESERVED = "Connector already reserved."
    NO_CARD = "You have no active card to reserve with."
    # the charger's own answers to ReserveNow
    FAULTED = "The charger reports the connector faulted."
    REJECTED = "The charger does not accept reservations on this connector."
    UNAVAILABLE = "The charger reports the connector unavailable."
    NO_ANSWER = "The charger did not answer the reservation in time."


_OF_ANSWER = {
    "Faulted": Refusal.FAULTED,
    "Occupied": Refusal.OCCUPIED,
    "Rejected": Refusal.REJECTED,
    "Unavailable": Refusal.UNAVAILABLE,
}
_OUT_OF_ORDER = {"Faulted", "Unavailable"}
# session states that hold a connector (as in the partial index of migration 2)
_ACTIVE_SQL = "('requested', 'accepted', 'charging', 'stopping')"


class ReservationRefused(Conflict):
    """The connector cannot be reserved now. ``refusal`` is a ``Refusal`` text; ``answer``
    the charger's ReserveNow status when it was the charger that refused (else None);
    ``reservation`` the recorded failed reservation in that case."""

    def __init__(self, refusal: str, *, answer: str | None = None,
                 reservation: Reservation | None = None) -> None:
        super().__init__(refusal, field="connector")
        self.refusal = refusal
        self.answer = answer
        self.reservation = reservation


@dataclass(frozen=True)
class Reservation:
    id: int
    uuid: str
    user_id: int
    card_id: int | None
    tag_id: str
    parent_tag: str | None
    station_id: int
    station_uuid: str
    connector_id: int
    connector_no: int
    evse_id: str | None
    minutes: int
    status: str
    charger_answer: str | None
    failure_reason: str | None
    session_id: int | None
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


def parent_tag(user_id: int) -> str:
    """The parentIdTag shared by all cards of one driver (an OCPP group id)."""
    return f"{_PARENT_PREFIX}{user_id:014d}"


def check_minutes(minutes: Any, field: str = "minutes") -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise BadInput(field, "must be a whole number of minutes")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise BadInput(field, f"must be between {MIN_MINUTES} and {MAX_MINUTES}")
    return minutes


_SELECT = (
    "SELECT r.*, s.uuid AS station_uuid, c.sort_order AS connector_no, c.evse_id"
    " FROM reservations r JOIN stations s ON s.id = r.station_id"
    " JOIN connectors c ON c.id = r.connector_id"
)


def _of(row: sqlite3.Row) -> Reservation:
    def ts(v: str | None) -> datetime | None:
        return from_iso(v) if v else None

    return Reservation(
        id=int(row["id"]), uuid=row["uuid"], user_id=int(row["user_id"]),
        card_id=row["card_id"], tag_id=row["tag_id"], parent_tag=row["parent_tag"],
        station_id=int(row["station_id"]), station_uuid=row["station_uuid"],
        connector_id=int(row["connector_id"]), connector_no=int(row["connector_no"]),
        evse_id=row["evse_id"], minutes=int(row["minutes"]), status=row["status"],
        charger_answer=row["charger_answer"], failure_reason=row["failure_reason"],
        session_id=row["session_id"], created_at=from_iso(row["created_at"]),
        expires_at=from_iso(row["expires_at"]), ended_at=ts(row["ended_at"]),
        updated_at=from_iso(row["updated_at"]),
    )


def get(conn: sqlite3.Connection, reservation_id: int) -> Reservation | None:
    row = conn.execute(_SELECT + " WHERE r.id = ?", (reservation_id,)).fetchone()
    return _of(row) if row is not None else None


def get_for(conn: sqlite3.Connection, reservation_id: int, user_id: int | None,
            field: str = "reservation") -> Reservation:
    """The reservation, when ``user_id`` (None: any) holds it; else NotFound (another
    driver's reservation looks exactly like one that does not exist)."""
    r = get(conn, reservation_id)
    if r is None or (user_id is not None and r.user_id != user_id):
        raise NotFound(f"{field}: no reservation {reservation_id}", field=field)
    return r


def list_for(conn: sqlite3.Connection, *, user_id: int | None = None,
             user_ids: list[int] | None = None, status: str | None = None,
             after_id: int = 0, limit: int = 100) -> list[Reservation]:
    """Reservations by ascending id after ``after_id`` (a cursor), of one driver, of a set
    of drivers (a partner's), or all (``user_id`` and ``user_ids`` None)."""
    where, args = ["r.id > ?"], [after_id]
    if user_id is not None:
        where.append("r.user_id = ?")
        args.append(user_id)
    if user_ids is not None:
        where.append(f"r.user_id IN ({','.join('?' * len(user_ids))})" if user_ids else "0")
        args.extend(user_ids)
    if status is not None:
        if status not in STATUSES:
            raise BadInput("status", f"must be one of {', '.join(STATUSES)}")
        where.append("r.status = ?")
        args.append(status)
    rows = conn.execute(
        _SELECT + " WHERE " + " AND ".join(where) + " ORDER BY r.id LIMIT ?", (*args, limit)
    ).fetchall()
    return [_of(r) for r in rows]


def holder(conn: sqlite3.Connection, connector_id: int) -> sqlite3.Row | None:
    """The open reservation on a connector (user_id, tag_id, parent_tag), if any."""
    return conn.execute(
        "SELECT id, user_id, tag_id, parent_tag, status FROM reservations"
        " WHERE connector_id = ? AND status IN (?, ?)",
        (connector_id, *OPEN),
    ).fetchone()


def connector_to_reserve(conn: sqlite3.Connection, station_uuid: str | None,
                         connector_no: int | None, connector_ref: str | None) -> int:
    """The id of the connector named by station uuid + OCPP connector number, or by
    ``connector_ref`` (connector id or EVSE id)."""
    if connector_ref is not None:
        cid = id_by_ref(conn, str(connector_ref).strip())
        if cid is None:
            raise NotFound(f"connector: no connector '{connector_ref}'", field="connector")
        return cid
    if not station_uuid:
        raise BadInput("station", "is required")
    if isinstance(connector_no, bool) or not isinstance(connector_no, int):
        raise BadInput("connector", "must be the connector's number")
    st = conn.execute("SELECT id FROM stations WHERE uuid = ?", (station_uuid,)).fetchone()
    if st is None:
        raise NotFound(f"station: no station '{station_uuid}'", field="station")
    row = conn.execute(
        "SELECT id FROM connectors WHERE station_id = ? AND sort_order = ?",
        (st[0], connector_no),
    ).fetchone()
    if row is None:
        raise NotFound(f"connector: no connector {connector_no} at this station",
                       field="connector")
    return int(row[0])


def create(conn: sqlite3.Connection, *, user_id: int, connector_id: int, card_id: int | None,
           tag: str, minutes: int, now: datetime | None = None,
           minute_seconds: float = 60.0) -> Reservation:
    """Record a pending reservation, or refuse (``ReservationRefused``) when the connector
    cannot be reserved: its charger offline, out of order, in use or already reserved."""
    now = now or datetime.now(UTC)
    minutes = check_minutes(minutes)
    with transaction(conn):
        con = conn.execute(
            "SELECT c.id, c.station_id, c.ocpp_status, s.connected FROM connectors c"
            " JOIN stations s ON s.id = c.station_id WHERE c.id = ?",
            (connector_id,),
        ).fetchone()
        if con is None:
            raise NotFound(f"connector: no connector {connector_id}", field="connector")
        if not con["connected"]:
            raise ReservationRefused(Refusal.CHARGER_OFFLINE)
        if holder(conn, connector_id) is not None or con["ocpp_status"] == "Reserved":
            raise ReservationRefused(Refusal.ALREADY_RESERVED)
        if con["ocpp_status"] in _OUT_OF_ORDER:
            raise ReservationRefused(Refusal.OUT_OF_ORDER)
        active_session = conn.execute(
            f"SELECT 1 FROM sessions WHERE connector_id = ? AND state IN {_ACTIVE_SQL}",
            (connector_id,),
        ).fetchone()
        if active_session or con["ocpp_status"] not in (None, "Available"):
            raise ReservationRefused(Refusal.OCCUPIED)
        ts = to_iso(now)
        try:
            cur = conn.execute(
                "INSERT INTO reservations(uuid, user_id, card_id, tag_id, parent_tag,"
                " station_id, connector_id, minutes, status, created_at, expires_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(uuidlib.uuid4()), user_id, card_id, tag.upper(), parent_tag(user_id),
                 con["station_id"], connector_id, minutes, PENDING, ts,
                 to_iso(now + timedelta(seconds=minutes * minute_seconds)), ts),
            )
        except sqlite3.IntegrityError:
            # reservations_open_per_connector: another driver got there first.
            raise ReservationRefused(Refusal.ALREADY_RESERVED) from None
        rid = int(cur.lastrowid)
    found = get(conn, rid)
    assert found is not None
    return found


def answered(conn: sqlite3.Connection, reservation_id: int, answer: str | None,
             now: datetime | None = None) -> Reservation:
    """The charger's answer to ReserveNow (None: none in time or offline) decides."""
    ts = to_iso(now or datetime.now(UTC))
    with transaction(conn):
        if answer == "Accepted":
            conn.execute(
                "UPDATE reservations SET status = ?, charger_answer = ?, updated_at = ?"
                " WHERE id = ? AND status = ?",
                (ACCEPTED, answer, ts, reservation_id, PENDING),
            )
        else:
            reason = _OF_ANSWER.get(answer or "", Refusal.NO_ANSWER)
            conn.execute(
                "UPDATE reservations SET status = ?, charger_answer = ?, failure_reason = ?,"
                " ended_at = ?, updated_at = ? WHERE id = ? AND status = ?",
                (FAILED, answer, reason, ts, ts, reservation_id, PENDING),
            )
    found = get(conn, reservation_id)
    assert found is not None
    return found


def _end(conn: sqlite3.Connection, reservation_id: int, status: str, ts: str,
         session_id: int | None = None) -> bool:
    cur = conn.execute(
        "UPDATE reservations SET status = ?, session_id = COALESCE(?, session_id),"
        " ended_at = ?, updated_at = ? WHERE id = ? AND status IN (?, ?)",
        (status, session_id, ts, ts, reservation_id, *OPEN),
    )
    return bool(cur.rowcount)


def cancel(conn: sqlite3.Connection, reservation_id: int, user_id: int | None,
           now: datetime | None = None) -> tuple[Reservation, bool]:
    """Cancel an open reservation of ``user_id`` (None: the operator, any). Returns the
    reservation and whether it was open (then the charger must be told)."""
    ts = to_iso(now or datetime.now(UTC))
    with transaction(conn):
        get_for(conn, reservation_id, user_id)
        was_open = _end(conn, reservation_id, CANCELLED, ts)
    return get_for(conn, reservation_id, user_id), was_open


def expire_due(conn: sqlite3.Connection, now: datetime | None = None) -> list[int]:
    """Open reservations whose time ran out become expired (whether or not the charger
    said so). Returns their ids."""
    ts = to_iso(now or datetime.now(UTC))
    sql = "SELECT id FROM reservations WHERE status IN (?, ?) AND expires_at <= ?"
    # Checked every second: the write lock only when something is due.
    if conn.execute(sql, (*OPEN, ts)).fetchone() is None:
        return []
    with transaction(conn):
        ids = [int(r[0]) for r in conn.execute(sql, (*OPEN, ts))]
        for rid in ids:
            _end(conn, rid, EXPIRED, ts)
    return ids


def freed_by_charger(conn: sqlite3.Connection, station_id: int, connector_no: int,
                     now: datetime | None = None, tolerance_s: float = 2.0) -> int | None:
    """The charger reported a reserved connector Available: its reservation expired there
    (a charger's clock may run slightly ahead of ours, hence the tolerance). Returns the
    expired reservation's id."""
    now = now or datetime.now(UTC)
    row = conn.execute(
        "SELECT r.id FROM reservations r JOIN connectors c ON c.id = r.connector_id"
        " WHERE c.station_id = ? AND c.sort_order = ? AND r.status = ?"
        " AND r.expires_at <= ?",
        (station_id, connector_no, ACCEPTED, to_iso(now + timedelta(seconds=tolerance_s))),
    ).fetchone()
    if row is None:
        return None
    with transaction(conn):
        # (_end only moves it if it is still open: a cancel may have come in between)
        return int(row[0]) if _end(conn, int(row[0]), EXPIRED, to_iso(now)) else None


def use(conn: sqlite3.Connection, *, station_id: int, connector_no: int, tag: str,
        reservation_id: int | None, session_id: int, now: datetime | None = None) -> int | None:
    """A session started on a reserved connector: the reservation it names (StartTransaction
    reservationId), or the open one there held by this tag or its driver, is used."""
    ts = to_iso(now or datetime.now(UTC))
    tag = tag.upper()
    rows = conn.execute(
        "SELECT r.id, r.tag_id, r.user_id FROM reservations r"
        " JOIN connectors c ON c.id = r.connector_id"
        " WHERE c.station_id = ? AND c.sort_order = ? AND r.status IN (?, ?)",
        (station_id, connector_no, *OPEN),
    ).fetchall()
    if not rows:
        return None  # every start asks: most connectors are not reserved
    owner = conn.execute("SELECT user_id FROM cards WHERE tag_id = ?", (tag,)).fetchone()
    for r in rows:
        mine = r["tag_id"] == tag or (owner is not None and owner[0] == r["user_id"])
        if (reservation_id is not None and r["id"] == reservation_id) or mine:
            with transaction(conn):
                if _end(conn, int(r["id"]), USED, ts, session_id):
                    return int(r["id"])
    return None


def cancelled_unexpired(conn: sqlite3.Connection, station_id: int,
                        now: datetime | None = None) -> list[int]:
    """Cancelled reservations of a station whose time has not run out yet: a charger that
    was offline at the cancel may still hold them."""
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM reservations WHERE station_id = ? AND status = ?"
            " AND charger_answer = 'Accepted' AND expires_at > ?",
            (station_id, CANCELLED, to_iso(now or datetime.now(UTC))),
        )
    ]


def parent_of_tag(conn: sqlite3.Connection, tag: str) -> str | None:
    """The parentIdTag to answer for a card (its driver's group), None for other tags."""
    row = conn.execute("SELECT user_id FROM cards WHERE tag_id = ?", (tag.upper(),)).fetchone()
    return parent_tag(int(row[0])) if row is not None else None
