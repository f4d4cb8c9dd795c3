"""Charging sessions as a state machine, remote start attempts, and finishing a session.

States of a ``sessions`` row (``sessions.SessionState``; one transaction per transition,
every move checked against ``sessions.TRANSITIONS``)::

    requested -> accepted -> charging -> stopping -> finished
        \\            \\           \\___________________/
         \\____________\\______________________________> failed

- ``requested``: a driver asked for a remote start; the row exists from this moment so the
  partial unique index ``sessions_one_active_per_connector`` (migration 2) makes the database
  itself refuse a second active session on the same connector. Two drivers racing for one
  connector: exactly one INSERT succeeds.
- ``accepted``: the charger answered RemoteStartTransaction with Accepted; it now waits for
  the vehicle to be plugged in.
- ``charging``: StartTransaction arrived; ``sessions.id`` is the OCPP transactionId.
- ``stopping``: a stop was requested (driver, automatic stop); the charger has not yet sent
  StopTransaction.
- ``finished``: StopTransaction arrived: energy, duration, cost, CO2 are computed and stored
  in the same transaction as the state change.
- ``failed``: the start never happened (occupied, offline, rejected, no vehicle, ...).

Sessions started at the charger itself (RFID card held against the reader) skip
``requested``/``accepted`` and are created directly in ``charging``, billed at the offer of
the API that issued the card (``offer_audiences``); where that API does not sell the
station, the card is Invalid there and no session is created.

Remote start attempts (``remote_start_attempts``) carry what the be.ENERGISED
``AttemptRemoteStartResponse`` shows: ``status`` moves PENDING -> SENT -> ACCEPTED -> STARTED,
or to FAILED with a driver-readable ``failure_reason``.

All functions are plain sync functions taking ``conn`` first (run them through ``Core.db``).
Times are passed in as aware datetimes so tests can control the clock.
"""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.core.domain import offer_audiences, reservations, tariffs
from services.core.domain.errors import BadInput, NotFound
from services.core.domain.offers import Offer
from services.core.domain.sessions import TRANSITIONS, SessionState, check, sources, sql_list
from services.core.domain.stop_conditions import StopConditions
from services.core.store.db import from_iso, to_iso, transaction
from services.core.store.partner_feeds import whitelisted

_ACTIVE_SQL = "('requested', 'accepted', 'charging', 'stopping')"  # the partial indexes' term

# Tags of "other drivers" (roaming guests) start with this prefix. The embedded core
# plays the role of a roaming hub for them: they are accepted without a card row and
# their sessions have no user (sessions.user_id NULL). The simulator's background drivers
# use such tags; the same constant lives in services/hardware (which may not import the
# core). 14 hex characters = a 7-byte UID, a valid RFID UID length.
GUEST_TAG_PREFIX = "EE00"

# Attempt statuses (AttemptRemoteStartResponse.status). The document only says "String!";
# these upper-case words follow the progress a driver sees.
PENDING, SENT, ACCEPTED, STARTED, FAILED = "PENDING", "SENT", "ACCEPTED", "STARTED", "FAILED"
OPEN_ATTEMPT_STATUSES = (PENDING, SENT, ACCEPTED)

DEFAULT_START_TIMEOUT_S = 120.0
# stop_reason of sessions the core closed because the charger's StopTransaction never came
STALE_REASON = "ClosedByCentralSystem"

# Connector states in which a new start cannot succeed. Preparing is NOT among them: a
# driver who plugged in first and then starts from the app meets a Preparing connector.
_OCCUPIED_OCPP = {"Charging", "SuspendedEV", "SuspendedEVSE", "Finishing", "Reserved"}
_OUT_OF_ORDER_OCPP = {"Faulted", "Unavailable"}


class Failure:
    """Driver-readable reasons a start fails (stored in ``failure_reason``)."""

    CONNECTOR_OCCUPIED = "Connector occupied: another charging session is running on it."
    CONNECTOR_OUT_OF_ORDER = "Connector out of order: the charger reports it unavailable."
    CHARGER_OFFLINE = "Charger offline: it is not connected right now. Try another charger."
    REJECTED = "Rejected by the charger: it refused to start charging."
    NO_ANSWER = "The charger did not answer the start request in time."
    NO_VEHICLE = "No vehicle plugged in within the time limit. Plug in first, then start again."
    EXPIRED_BEFORE_START = "The start request expired (validUntil) before charging began."
    CARD_BLOCKED = "Card blocked: this card may not be used for charging."
    CARD_UNKNOWN = "Card unknown: this card is not registered."
    CARD_EXPIRED = "Card expired: this card is past its expiry date."
    CONNECTOR_RESERVED = "Connector reserved: another driver reserved this connector."
    CANCELLED = "Cancelled by the driver before charging began."


# What a StartTransaction that comes after a failed remote start of the same card means:
_REFUSE_LATE = (Failure.CANCELLED, Failure.EXPIRED_BEFORE_START)
_REVIVE_LATE = (Failure.NO_ANSWER, Failure.NO_VEHICLE)


class ChargingError(Exception):
    """A request the domain refuses; ``code`` is machine-readable, ``reason`` for drivers.

    ``field`` names the offending input in the domain's words (``StartRequest`` attribute
    names); each facade translates it to the name its clients sent.
    """

    def __init__(self, code: str, reason: str, field: str | None = None) -> None:
        self.code = code
        self.reason = reason
        self.field = field
        self.message = f"{field}: {reason}" if field else reason
        super().__init__(self.message)


def _move(conn: sqlite3.Connection, s: sqlite3.Row | dict[str, Any], new: SessionState,
          **cols: Any) -> None:
    """Move a session to ``new`` (if its state allows) and set ``cols`` with it."""
    check(s["state"], new)
    sets = "".join(f", {c} = ?" for c in cols)
    conn.execute(f"UPDATE sessions SET state = ?{sets} WHERE id = ?",
                 (new, *cols.values(), s["id"]))


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _row(r: sqlite3.Row | None) -> dict[str, Any] | None:
    return dict(r) if r is not None else None


# ------------------------------------------------------------------ cards / Authorize


def card_problem(card: sqlite3.Row | dict[str, Any] | None, now: datetime) -> str | None:
    """Why a card cannot charge (a Failure text) or None when it can."""
    if card is None:
        return Failure.CARD_UNKNOWN
    if str(card["status"]).upper() != "ACTIVE":
        return Failure.CARD_BLOCKED
    expiry = card["expiry_date"]
    if expiry:
        # expiry_date may be a date ("2027-01-31", valid through that day) or a timestamp.
        exp = from_iso(expiry if "T" in expiry else expiry + "T23:59:59Z")
        if exp.tzinfo is None:
            exp = exp.replace(tzinfo=UTC)
        if exp < now:
            return Failure.CARD_EXPIRED
    return None


def card_problem_by_id(conn: sqlite3.Connection, card_id: int,
                       now: datetime | None = None) -> str | None:
    """``card_problem`` of a card row by its id."""
    row = conn.execute(
        "SELECT status, expiry_date FROM cards WHERE id = ?", (card_id,)
    ).fetchone()
    return card_problem(row, _now(now))


def authorize_tag(conn: sqlite3.Connection, tag: str, now: datetime | None = None,
                  station_id: int | None = None) -> str:
    """OCPP idTagInfo.status for a tag: Accepted, Blocked, Expired or Invalid.

    A card in any status but ACTIVE (INACTIVE, BLOCKED, SUSPENDED, DISABLED, ...) or of a
    deactivated account is Blocked; a deleted one (no row, or status DELETED) is Invalid.
    At ``station_id``, a card whose issuing API does not sell that station is Invalid there,
    as a start through that API would find no such connector; unless a remote start of the
    card through an API that does sell it waits or runs there."""
    now = _now(now)
    card = conn.execute(
        "SELECT c.status, c.expiry_date, c.api, c.partner_id, u.active FROM cards c"
        " JOIN users u ON u.id = c.user_id WHERE c.tag_id = ?",
        (tag.upper(),),
    ).fetchone()
    if card is not None and str(card["status"]).upper() == "DELETED":
        return "Invalid"  # a deleted card is no longer known, whatever its row still says
    if card is not None and not card["active"]:
        return "Blocked"  # its holder's account is closed (deactivated)
    if card is None:
        # Guests, and drivers of partners that allow their UIDs here (a roaming whitelist).
        guest = tag.upper().startswith(GUEST_TAG_PREFIX) or whitelisted(conn, tag.upper())
        return "Accepted" if guest else "Invalid"
    problem = card_problem(card, now)
    if problem == Failure.CARD_BLOCKED:
        return "Blocked"
    if problem == Failure.CARD_EXPIRED:
        return "Expired"
    if station_id is not None and not _sold_to_card(conn, card, tag.upper(), station_id):
        return "Invalid"
    return "Accepted"


def _sold_to_card(conn: sqlite3.Connection, card: sqlite3.Row, tag: str, station_id: int
                  ) -> bool:  # fmt: skip
    waiting = conn.execute(
        "SELECT 1 FROM sessions WHERE station_id = ? AND auth_id = ? AND state IN (?, ?, ?)",
        (station_id, tag, SessionState.REQUESTED, SessionState.ACCEPTED,
         SessionState.CHARGING)).fetchone()
    return waiting is not None or offer_audiences.covers_station(
        offer_audiences.card_offer(conn, card), conn, station_id)


# ------------------------------------------------------------------ remote start


@dataclass(frozen=True)
class StartRequest:
    """A remote start as every facade asks for it.

    ``card_id`` names one of the user's cards; without it ``tag_id`` is a tag that is not
    (or not yet) one of the user's cards, recorded so the failure is visible. The options
    narrow the session: a rate package (by uuid) bills a fixed amount and may stop it
    automatically, ``valid_until`` bounds how long the start may take, ``stop_minutes``
    stops charging after that many minutes, ``limits`` stops it at the first of its limits
    the session reaches.
    """

    user_id: int
    connector_id: int
    card_id: int | None
    tag_id: str | None = None
    rate_package: str | None = None
    valid_until: datetime | None = None
    stop_minutes: int | None = None
    invoiced: bool = True
    limits: StopConditions | None = None
    # The offer of the API the start came through: where it may start, what it costs.
    offer: Offer | None = None

    def options(self) -> dict[str, Any]:
        """The options as stored with the attempt (only those given)."""
        out: dict[str, Any] = {}
        if self.rate_package:
            out["rate_package"] = self.rate_package
        if self.valid_until is not None:
            out["valid_until"] = to_iso(self.valid_until)
        if self.stop_minutes is not None:
            out["stop_minutes"] = self.stop_minutes
        return out


@dataclass(frozen=True)
class StartPlan:
    """What the OCPP side needs to send RemoteStartTransaction (or why it must not)."""

    attempt_id: int
    attempt_uuid: str
    session_id: int | None
    session_uuid: str | None
    station_uuid: str
    connector_no: int
    connector_id: int
    tag_id: str
    failure: str | None


def _connector(conn: sqlite3.Connection, connector_id: int) -> sqlite3.Row:
    row = conn.execute(
        "SELECT c.id, c.station_id, c.sort_order, c.tariff_id, c.free_of_charge, c.ocpp_status,"
        " s.uuid AS station_uuid, s.connected, s.operator_id, s.latitude, s.longitude"
        " FROM connectors c"
        " JOIN stations s ON s.id = c.station_id WHERE c.id = ?",
        (connector_id,),
    ).fetchone()
    if row is None:
        raise ChargingError("NOT_FOUND", f"no connector with id {connector_id}", "connector")
    return row


def _tariff_snapshot(conn: sqlite3.Connection, tariff_id: int | None,
                     offer: Offer | None = None) -> tuple[str | None, str]:
    if tariff_id is None:
        return None, ""
    t = conn.execute("SELECT * FROM tariffs WHERE id = ?", (tariff_id,)).fetchone()
    if t is None:
        return None, ""
    priced = offer.price(t) if offer is not None else tariffs.tariff_from(t)
    return tariffs.snapshot(priced), priced.name


def request_remote_start(
    conn: sqlite3.Connection,
    request: StartRequest,
    *,
    timeout_s: float = DEFAULT_START_TIMEOUT_S,
    now: datetime | None = None,
) -> StartPlan:
    """Record a remote start attempt and, when nothing prevents it, a ``requested`` session.

    One transaction: the attempt row always lands (failed attempts are visible through the
    attempt status too); the session row lands only if the connector is free.
    """
    now = _now(now)
    user_id, connector_id, card_id = request.user_id, request.connector_id, request.card_id
    invoiced = request.invoiced
    with transaction(conn):
        con = _connector(conn, connector_id)
        if request.offer is not None and not request.offer.covers_station(
                {**dict(con), "id": con["station_id"]}):
            # Not sold through this API: to its callers the connector does not exist.
            raise ChargingError("NOT_FOUND", f"no connector with id {connector_id}", "connector")
        card = None
        if card_id is not None:
            card = conn.execute(
                "SELECT * FROM cards WHERE id = ? AND user_id = ?", (card_id, user_id)
            ).fetchone()
            if card is None:
                raise ChargingError("NOT_FOUND", "no such card for this user", "card")
        elif not request.tag_id:
            raise ChargingError("BAD_USER_INPUT", "is required", "tag_id")
        # An unknown card is still recorded as an attempt (failed: card unknown), so the
        # driver can see why through the attempt status like any other failure.
        tag = card["tag_id"] if card is not None else str(request.tag_id).upper()
        package = None
        if request.rate_package:
            package = conn.execute(
                "SELECT p.*, o.tariff_id FROM rate_packages p"
                " JOIN rate_options o ON o.id = p.rate_option_id WHERE p.uuid = ?",
                (request.rate_package,),
            ).fetchone()
            if package is None:
                raise ChargingError(
                    "BAD_USER_INPUT",
                    f"no rate package {request.rate_package!r}",
                    "rate_package",
                )
        deadline = now + timedelta(seconds=timeout_s)
        if request.valid_until is not None:
            valid_until = request.valid_until
            if valid_until.tzinfo is None:
                valid_until = valid_until.replace(tzinfo=UTC)
            deadline = min(deadline, valid_until)
        stop_minutes = request.stop_minutes
        if stop_minutes is not None and int(stop_minutes) <= 0:
            raise ChargingError("BAD_USER_INPUT", "must be a positive number", "stop_minutes")
        if package is not None and package["automatic_stop"]:
            stop_minutes = (
                min(int(stop_minutes), package["automatic_stop"])
                if stop_minutes
                else package["automatic_stop"]
            )
        options = request.options()

        attempt_uuid = str(uuidlib.uuid4())
        ts = to_iso(now)
        cur = conn.execute(
            "INSERT INTO remote_start_attempts(uuid, user_id, connector_id, card_id, tag_id,"
            " status, config, expires_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                attempt_uuid,
                user_id,
                connector_id,
                card_id,
                tag,
                PENDING,
                json.dumps(options) if options else None,
                to_iso(deadline),
                ts,
                ts,
            ),
        )
        attempt_id = int(cur.lastrowid)

        failure = card_problem(card, now)
        if failure is None and deadline <= now:
            failure = Failure.EXPIRED_BEFORE_START
        if failure is None and not con["connected"]:
            failure = Failure.CHARGER_OFFLINE
        if failure is None and con["ocpp_status"] in _OUT_OF_ORDER_OCPP:
            failure = Failure.CONNECTOR_OUT_OF_ORDER
        held = reservations.holder(conn, connector_id)
        if failure is None and held is not None and held["user_id"] != user_id:
            failure = Failure.CONNECTOR_RESERVED
        # A connector reserved by this driver shows Reserved: that one they may start.
        if failure is None and con["ocpp_status"] in _OCCUPIED_OCPP and not (
            con["ocpp_status"] == "Reserved" and held is not None
        ):
            failure = Failure.CONNECTOR_OCCUPIED

        session_id = session_uuid = None
        if failure is None:
            snap, rate_name = (
                _tariff_snapshot(conn, package["tariff_id"]) if package is not None
                else _tariff_snapshot(conn, con["tariff_id"], request.offer)
            )
            if package is not None:
                rate_name = package["name"]
            session_uuid = str(uuidlib.uuid4())
            try:
                cur = conn.execute(
                    "INSERT INTO sessions(uuid, user_id, card_id, connector_id, station_id,"
                    " state, auth_id, auth_type, tariff_snapshot, rate_name, stop_minutes,"
                    " invoiced, rate_package_id, limits, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        session_uuid,
                        user_id,
                        card_id,
                        connector_id,
                        con["station_id"],
                        tag,
                        card["card_type"],
                        snap,
                        rate_name or None,
                        int(stop_minutes) if stop_minutes else None,
                        int(invoiced),
                        package["id"] if package is not None else None,
                        request.limits.to_json() if request.limits is not None else None,
                        ts,
                        ts,
                    ),
                )
                session_id = int(cur.lastrowid)
            except sqlite3.IntegrityError:
                # sessions_one_active_per_connector: someone else holds the connector.
                failure = Failure.CONNECTOR_OCCUPIED
                session_uuid = None
        if failure is not None:
            conn.execute(
                "UPDATE remote_start_attempts SET status = ?, is_failure = 1,"
                " failure_reason = ?, updated_at = ? WHERE id = ?",
                (FAILED, failure, ts, attempt_id),
            )
        else:
            conn.execute(
                "UPDATE remote_start_attempts SET session_id = ? WHERE id = ?",
                (session_id, attempt_id),
            )
    return StartPlan(
        attempt_id=attempt_id,
        attempt_uuid=attempt_uuid,
        session_id=session_id,
        session_uuid=session_uuid,
        station_uuid=con["station_uuid"],
        connector_no=con["sort_order"],
        connector_id=connector_id,
        tag_id=tag,
        failure=failure,
    )


def attempt_sent(conn: sqlite3.Connection, attempt_id: int, now: datetime | None = None) -> None:
    ts = to_iso(_now(now))
    with transaction(conn):
        conn.execute(
            "UPDATE remote_start_attempts SET status = ?, last_sent_at = ?, updated_at = ?"
            " WHERE id = ? AND status = ?",
            (SENT, ts, ts, attempt_id, PENDING),
        )


def attempt_accepted(
    conn: sqlite3.Connection, attempt_id: int, now: datetime | None = None
) -> bool:
    """The charger accepted RemoteStartTransaction. False if the attempt moved on already
    (e.g. StartTransaction overtook the answer, or it was cancelled)."""
    ts = to_iso(_now(now))
    with transaction(conn):
        cur = conn.execute(
            "UPDATE remote_start_attempts SET status = ?, updated_at = ?"
            " WHERE id = ? AND status IN (?, ?)",
            (ACCEPTED, ts, attempt_id, PENDING, SENT),
        )
        if cur.rowcount:
            conn.execute(
                "UPDATE sessions SET state = ?, updated_at = ? WHERE id = ("
                "SELECT session_id FROM remote_start_attempts WHERE id = ?)"
                f" AND state IN {sql_list(sources(SessionState.ACCEPTED))}",
                (SessionState.ACCEPTED, ts, attempt_id),
            )
        return bool(cur.rowcount)


def fail_attempt(
    conn: sqlite3.Connection, attempt_id: int, reason: str, now: datetime | None = None
) -> bool:
    """Fail an open attempt and its not-yet-started session. False if it was not open."""
    ts = to_iso(_now(now))
    with transaction(conn):
        cur = conn.execute(
            "UPDATE remote_start_attempts SET status = ?, is_failure = 1, failure_reason = ?,"
            " updated_at = ? WHERE id = ? AND status IN (?, ?, ?)",
            (FAILED, reason, ts, attempt_id, *OPEN_ATTEMPT_STATUSES),
        )
        if not cur.rowcount:
            return False
        conn.execute(
            "UPDATE sessions SET state = ?, failure_reason = ?, updated_at = ?"
            " WHERE id = (SELECT session_id FROM remote_start_attempts WHERE id = ?)"
            f" AND state IN {sql_list(sources(SessionState.FAILED))}",
            (SessionState.FAILED, reason, ts, attempt_id),
        )
        return True


def get_attempt(conn: sqlite3.Connection, attempt_uuid: str) -> dict[str, Any] | None:
    """The attempt as AttemptRemoteStartResponse needs it (plus user_id for authorization)."""
    return _row(
        conn.execute(
            "SELECT a.*, s.uuid AS session_uuid, s.state AS session_state"
            " FROM remote_start_attempts a LEFT JOIN sessions s ON s.id = a.session_id"
            " WHERE a.uuid = ?",
            (attempt_uuid,),
        ).fetchone()
    )


def open_attempts_on_connector(
    conn: sqlite3.Connection, station_id: int, connector_no: int
) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT a.id, a.status FROM remote_start_attempts a"
        " JOIN connectors c ON c.id = a.connector_id"
        " WHERE c.station_id = ? AND c.sort_order = ? AND a.status IN (?, ?, ?)",
        (station_id, connector_no, *OPEN_ATTEMPT_STATUSES),
    ).fetchall()
    return [dict(r) for r in rows]


def expired_attempts(conn: sqlite3.Connection, now: datetime | None = None) -> list[dict[str, Any]]:
    """Open attempts past their deadline, with the reason to fail them with."""
    ts = to_iso(_now(now))
    rows = conn.execute(
        "SELECT id, status, config FROM remote_start_attempts"
        " WHERE status IN (?, ?, ?) AND expires_at <= ?",
        (*OPEN_ATTEMPT_STATUSES, ts),
    ).fetchall()
    out = []
    for r in rows:
        cfg = json.loads(r["config"]) if r["config"] else {}
        if r["status"] == ACCEPTED:
            reason = Failure.NO_VEHICLE
        elif cfg.get("valid_until"):
            reason = Failure.EXPIRED_BEFORE_START
        else:
            reason = Failure.NO_ANSWER
        out.append({"id": r["id"], "reason": reason})
    return out


# ------------------------------------------------------------------ transactions


def connector_by_number(
    conn: sqlite3.Connection, station_id: int, connector_no: int
) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT id, tariff_id, free_of_charge FROM connectors"
        " WHERE station_id = ? AND sort_order = ?",
        (station_id, connector_no),
    ).fetchone()


def start_transaction(
    conn: sqlite3.Connection,
    *,
    station_id: int,
    connector_no: int,
    id_tag: str,
    meter_start: int,
    timestamp: datetime,
    now: datetime | None = None,
) -> tuple[int, str]:
    """Handle StartTransaction: returns (transactionId, idTagInfo.status).

    The charger is the source of truth about what is happening at the connector: a start
    it reports is recorded. It links to the pending remote start of the same tag; a
    repeated StartTransaction (the charger did not get our answer before a disconnect) gets
    the same transactionId back; any other session still marked active on that connector
    is closed first so the new one can be recorded.
    """
    now = _now(now)
    tag = id_tag.upper()
    ts, start_ts = to_iso(now), to_iso(timestamp)
    with transaction(conn):
        con = connector_by_number(conn, station_id, connector_no)
        if con is None:
            # Nothing to attach a session to; Invalid makes the charger end it at once.
            return 0, "Invalid"
        active = conn.execute(
            f"SELECT * FROM sessions WHERE connector_id = ? AND state IN {_ACTIVE_SQL}",
            (con["id"],),
        ).fetchone()
        if active is not None:
            same_tag = active["auth_id"].upper() == tag
            if same_tag and active["state"] in (SessionState.REQUESTED, SessionState.ACCEPTED):
                _move(conn, active, SessionState.CHARGING, date_start=start_ts,
                      meter_start=meter_start, updated_at=ts)
                conn.execute(
                    "UPDATE remote_start_attempts SET status = ?, updated_at = ?"
                    " WHERE session_id = ? AND status IN (?, ?, ?)",
                    (STARTED, ts, active["id"], *OPEN_ATTEMPT_STATUSES),
                )
                return int(active["id"]), "Accepted"
            if (
                same_tag
                and active["date_start"] == start_ts
                and active["meter_start"] == meter_start
            ):
                return int(active["id"]), "Accepted"
            _close_stale(conn, active, now)

        # A remote start of this card on this connector that failed moments ago: the
        # charger's start decides what happens to it.
        recent = conn.execute(
            "SELECT id, state, failure_reason FROM sessions WHERE connector_id = ? AND auth_id = ?"
            " AND state = 'failed' AND updated_at >= ? ORDER BY id DESC LIMIT 1",
            (con["id"], tag, to_iso(now - timedelta(minutes=5))),
        ).fetchone()
        if recent is not None and recent["failure_reason"] in _REFUSE_LATE:
            # The driver cancelled it, or its validUntil passed; OCPP 1.6 cannot withdraw a
            # RemoteStartTransaction, so the late start is refused here (the charger ends
            # it: StopTransactionOnInvalidId).
            return 0, "Invalid"
        if recent is not None and recent["failure_reason"] in _REVIVE_LATE:
            # We gave up waiting (no answer in time, or our plug-in timer ran out first) but
            # the charger did start: the attempt succeeded after all, and says so.
            _move(conn, recent, SessionState.CHARGING, failure_reason=None, date_start=start_ts,
                  meter_start=meter_start, updated_at=ts)
            conn.execute(
                "UPDATE remote_start_attempts SET status = ?, is_failure = 0,"
                " failure_reason = NULL, updated_at = ? WHERE session_id = ?",
                (STARTED, ts, recent["id"]),
            )
            return int(recent["id"]), "Accepted"
        status = authorize_tag(conn, tag, now, station_id)
        if status != "Accepted":
            return 0, status
        card = conn.execute(
            "SELECT id, user_id, card_type, api, partner_id FROM cards WHERE tag_id = ?", (tag,)
        ).fetchone()
        # A tapped card is billed as the API that issued it sells this connector.
        offer = offer_audiences.card_offer(conn, card) if card is not None else None
        snap, rate_name = _tariff_snapshot(conn, con["tariff_id"], offer)
        cur = conn.execute(
            "INSERT INTO sessions(uuid, user_id, card_id, connector_id, station_id, state,"
            " auth_id, auth_type, date_start, meter_start, tariff_snapshot, rate_name,"
            " created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 'charging', ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuidlib.uuid4()),
                card["user_id"] if card else None,
                card["id"] if card else None,
                con["id"],
                station_id,
                tag,
                card["card_type"] if card else "RFID",
                start_ts,
                meter_start,
                snap,
                rate_name or None,
                ts,
                ts,
            ),
        )
        return int(cur.lastrowid), "Accepted"


def _close_stale(conn: sqlite3.Connection, active: sqlite3.Row, now: datetime) -> None:
    if active["state"] in (SessionState.REQUESTED, SessionState.ACCEPTED):
        reason = Failure.CONNECTOR_OCCUPIED
        _move(conn, active, SessionState.FAILED, failure_reason=reason, updated_at=to_iso(now))
        conn.execute(
            "UPDATE remote_start_attempts SET status = ?, is_failure = 1, failure_reason = ?,"
            " updated_at = ? WHERE session_id = ? AND status IN (?, ?, ?)",
            (FAILED, reason, to_iso(now), active["id"], *OPEN_ATTEMPT_STATUSES),
        )
        return
    # A running session the charger evidently ended without telling us (lost
    # StopTransaction): bill what its meter values show so the energy is not lost.
    last = conn.execute(
        "SELECT MAX(energy_wh) AS wh, MAX(ts) AS ts FROM meter_values WHERE session_id = ?",
        (active["id"],),
    ).fetchone()
    meter_end = last["wh"] if last["wh"] is not None else active["meter_start"] or 0
    end = from_iso(last["ts"]) if last["ts"] else now
    _finish(conn, active, meter_end, end, STALE_REASON, None, now)


def close_if_stale(
    conn: sqlite3.Connection,
    station_id: int,
    connector_no: int,
    idle_since: datetime,
    now: datetime | None = None,
) -> int | None:
    """The charger reported its connector Available at ``idle_since`` and, a grace period
    later, a session there is still running in our books and nothing arrived for it since:
    its StopTransaction was lost. Close it with the energy its meter values show (so the
    connector can be started again). Returns the closed session id."""
    now = _now(now)
    with transaction(conn):
        s = conn.execute(
            f"SELECT s.* FROM sessions s JOIN connectors c ON c.id = s.connector_id"
            f" WHERE c.station_id = ? AND c.sort_order = ? AND s.state IN {_ACTIVE_SQL}"
            f" AND s.state IN ('charging', 'stopping')",
            (station_id, connector_no),
        ).fetchone()
        if s is None or (s["updated_at"] or "") > to_iso(idle_since):
            return None
        newest = conn.execute(
            "SELECT MAX(ts) FROM meter_values WHERE session_id = ?", (s["id"],)
        ).fetchone()[0]
        if newest is not None and newest > to_iso(idle_since):
            return None
        _close_stale(conn, s, now)
        return int(s["id"])


def record_meter_values(conn: sqlite3.Connection, rows: list[tuple]) -> int:
    """Store a batch of (session_id, ts, energy_wh, power_w, soc) in one transaction.

    Values for transactions the core does not know (e.g. id 0 of an Invalid start) are
    dropped. Returns how many rows were stored.
    """
    if not rows:
        return 0
    with transaction(conn):
        before = conn.total_changes
        conn.executemany(
            "INSERT INTO meter_values(session_id, ts, energy_wh, power_w, soc)"
            " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)",
            [(r[0], r[1], r[2], r[3], r[4], r[0]) for r in rows],
        )
        return conn.total_changes - before


def request_stop(
    conn: sqlite3.Connection, session_id: int, now: datetime | None = None
) -> tuple[str, dict[str, Any]]:
    """Mark a session as stopping. Returns (outcome, session) where outcome is
    'stop' (send RemoteStopTransaction), 'already' (stop already requested or done:
    a double stop is harmless) or 'cancelled' (it had not started yet)."""
    now = _now(now)
    ts = to_iso(now)
    with transaction(conn):
        s = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if s is None:
            raise ChargingError("NOT_FOUND", f"no session {session_id}", "session")
        if s["state"] == SessionState.CHARGING:
            _move(conn, s, SessionState.STOPPING, updated_at=ts)
            return "stop", dict(s)
        if s["state"] in (SessionState.REQUESTED, SessionState.ACCEPTED):
            _move(conn, s, SessionState.FAILED, failure_reason=Failure.CANCELLED, updated_at=ts)
            conn.execute(
                "UPDATE remote_start_attempts SET status = ?, is_failure = 1,"
                " failure_reason = ?, updated_at = ? WHERE session_id = ? AND status IN (?, ?, ?)",
                (FAILED, Failure.CANCELLED, ts, session_id, *OPEN_ATTEMPT_STATUSES),
            )
            return "cancelled", dict(s)
        return "already", dict(s)


def finish_transaction(
    conn: sqlite3.Connection,
    *,
    transaction_id: int,
    meter_stop: int,
    timestamp: datetime,
    reason: str | None = None,
    id_tag: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any] | None:
    """Handle StopTransaction. Idempotent: a repeated StopTransaction changes nothing.
    Returns the finished session, or None if the transaction is unknown."""
    now = _now(now)
    with transaction(conn):
        s = conn.execute("SELECT * FROM sessions WHERE id = ?", (transaction_id,)).fetchone()
        if s is None:
            return None
        if SessionState.FINISHED not in TRANSITIONS[SessionState(s["state"])] or (
            s["state"] == SessionState.FINISHED and s["stop_reason"] != STALE_REASON
        ):
            # failed, or never started at the charger: there is nothing it could stop
            return dict(s)
        # (a session we closed ourselves as stale is re-billed from the charger's own
        # StopTransaction when it turns up after all: its register is the better figure)
        _finish(conn, s, meter_stop, timestamp, reason, id_tag, now)
        return dict(
            conn.execute("SELECT * FROM sessions WHERE id = ?", (transaction_id,)).fetchone()
        )


def _finish(
    conn: sqlite3.Connection,
    s: sqlite3.Row,
    meter_stop: int,
    end: datetime,
    reason: str | None,
    id_tag: str | None,
    now: datetime,
) -> None:
    stats = conn.execute(
        "SELECT MAX(energy_wh) AS max_wh FROM meter_values WHERE session_id = ?", (s["id"],)
    ).fetchone()
    meter_start = s["meter_start"] if s["meter_start"] is not None else meter_stop
    # A register never runs backwards; a lower meterStop than values already reported
    # would lose energy the driver did receive, so the highest reading wins.
    meter_end = max(int(meter_stop), int(stats["max_wh"] or 0), int(meter_start))
    energy_kwh = round((meter_end - meter_start) / 1000.0, 3)
    start = from_iso(s["date_start"]) if s["date_start"] else end
    if end < start:
        end = start
    charging_end = _charging_end(conn, s["id"], meter_end, end)

    con = conn.execute(
        "SELECT free_of_charge FROM connectors WHERE id = ?", (s["connector_id"],)
    ).fetchone()
    package = None
    if s["rate_package_id"]:
        package = conn.execute(
            "SELECT p.amount, p.name, t.tax_rate, t.currency FROM rate_packages p"
            " JOIN rate_options o ON o.id = p.rate_option_id JOIN tariffs t ON t.id = o.tariff_id"
            " WHERE p.id = ?",
            (s["rate_package_id"],),
        ).fetchone()
    if package is not None:
        cost = tariffs.package_cost(
            package["amount"],
            tax_rate=package["tax_rate"],
            currency=package["currency"],
            name=package["name"],
        )
    elif s["tariff_snapshot"]:
        cost = tariffs.session_cost(
            s["tariff_snapshot"],
            energy_kwh=energy_kwh,
            start=start,
            end=end,
            charging_end=charging_end,
            free_of_charge=bool(con and con["free_of_charge"]),
        )
    else:
        cost = tariffs.Cost(currency="EUR")
    ts = to_iso(now)
    check(s["state"], SessionState.FINISHED)
    conn.execute("DELETE FROM session_cost_items WHERE session_id = ?", (s["id"],))
    conn.executemany(
        "INSERT INTO session_cost_items(session_id, description, net_amount, tax_rate,"
        " tax_amount, gross_amount) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (s["id"], i.description, i.net_amount, i.tax_rate, i.tax_amount, i.gross_amount)
            for i in cost.items
        ],
    )
    conn.execute(
        "UPDATE sessions SET state = 'finished', date_start = COALESCE(date_start, ?),"
        " meter_start = ?, date_end = ?, charging_end = ?, meter_end = ?, energy_kwh = ?,"
        " co2_kg = ?, currency = ?, cost_total = ?, cost_net = ?, cost_tax = ?,"
        " stop_reason = ?, updated_at = ? WHERE id = ?",
        (
            to_iso(start),
            meter_start,
            to_iso(end),
            to_iso(charging_end) if charging_end else None,
            meter_end,
            energy_kwh,
            tariffs.co2_saving_kg(energy_kwh),
            cost.currency,
            cost.total,
            cost.net,
            cost.tax,
            reason or "Local",
            ts,
            s["id"],
        ),
    )


def _charging_end(
    conn: sqlite3.Connection, session_id: int, meter_end: int, end: datetime
) -> datetime | None:
    """When energy stopped flowing: the first sample that reached the final register value.
    Parking is billed from there. None when energy flowed until the end."""
    row = conn.execute(
        "SELECT MIN(ts) FROM meter_values WHERE session_id = ? AND energy_wh >= ?",
        (session_id, meter_end),
    ).fetchone()
    if row[0] is None:
        return None
    reached = from_iso(row[0])
    return reached if reached < end else None


# ------------------------------------------------------------------ queries


def find_session(conn: sqlite3.Connection, ref: str) -> dict[str, Any] | None:
    """A session by its uuid (Chargelog.id) or its transaction id (sessions.id as text)."""
    row = conn.execute("SELECT * FROM sessions WHERE uuid = ?", (ref,)).fetchone()
    if row is None and ref.isascii() and ref.isdigit() and len(ref) < 19:  # SQLite INTEGER
        row = conn.execute("SELECT * FROM sessions WHERE id = ?", (int(ref),)).fetchone()
    return _row(row)


def session_station(conn: sqlite3.Connection, session_id: int) -> dict[str, Any] | None:
    return _row(
        conn.execute(
            "SELECT st.uuid AS station_uuid, c.sort_order AS connector_no, s.state"
            " FROM sessions s JOIN stations st ON st.id = s.station_id"
            " JOIN connectors c ON c.id = s.connector_id WHERE s.id = ?",
            (session_id,),
        ).fetchone()
    )


def active_session_for_connector(
    conn: sqlite3.Connection, station_id: int, connector_no: int
) -> dict[str, Any] | None:
    return _row(
        conn.execute(
            f"SELECT s.* FROM sessions s JOIN connectors c ON c.id = s.connector_id"
            f" WHERE c.station_id = ? AND c.sort_order = ? AND s.state IN {_ACTIVE_SQL}",
            (station_id, connector_no),
        ).fetchone()
    )


def session_on_connector(conn: sqlite3.Connection, station_uuid: str,
                         connector_no: Any) -> dict[str, Any]:
    """The active session on a station's connector (by OCPP number), {} when none; NotFound
    (field ``station`` / ``connector``) when there is no such connector."""
    if isinstance(connector_no, bool) or not isinstance(connector_no, int):
        raise BadInput("connector", "must be the connector's number")
    st = conn.execute("SELECT id FROM stations WHERE uuid = ?", (station_uuid,)).fetchone()
    if st is None:
        raise NotFound(f"station: no station '{station_uuid}'", field="station")
    if connector_by_number(conn, st[0], connector_no) is None:
        raise NotFound(f"connector: no connector {connector_no} at this station",
                       field="connector")
    return active_session_for_connector(conn, st[0], connector_no) or {}


def stopping_sessions(conn: sqlite3.Connection, station_id: int) -> list[int]:
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM sessions WHERE station_id = ? AND state = 'stopping'", (station_id,)
        )
    ]


def sessions_due_auto_stop(
    conn: sqlite3.Connection, now: datetime | None = None, minute_seconds: float = 60.0
) -> list[int]:
    """Charging sessions whose stopMinutes / rate package automaticStop has elapsed.

    ``minute_seconds`` is how long a "minute" lasts (60 in production; demos and tests
    with a time factor shorten it)."""
    now = _now(now)
    rows = conn.execute(
        "SELECT id, date_start, stop_minutes FROM sessions"
        # the IN term lets SQLite use the partial index sessions_active (checked every second)
        f" WHERE state IN {_ACTIVE_SQL} AND state = 'charging' AND stop_minutes IS NOT NULL"
        " AND date_start IS NOT NULL"
    ).fetchall()
    due = []
    for r in rows:
        if from_iso(r["date_start"]) + timedelta(seconds=r["stop_minutes"] * minute_seconds) <= now:
            due.append(int(r["id"]))
    return due
