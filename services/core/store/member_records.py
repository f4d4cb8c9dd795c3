"""Records of a partner's members in id order, a slice at a time, for partner APIs with
cursor or page paging: the members themselves, their cards and their sessions.

A ``Slice`` is either keyset (ids after ``after`` ascending, or before ``before``
descending) or offset (ascending from ``offset``); with ``count`` the total matching is
given too (page paging shows it). Filters are plain column tests.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from services.core.domain.offers import Coverage
from services.core.store.offers import coverage_sql
from services.core.store.rows import dict_rows


@dataclass(frozen=True)
class Slice:
    limit: int
    after: int | None = None
    before: int | None = None
    offset: int = 0
    count: bool = False

_MEMBER = "EXISTS (SELECT 1 FROM partner_members m WHERE m.partner_id = ? AND m.user_id = {col})"


def _page(conn: sqlite3.Connection, table: str, where: list[str], args: list[Any],
          part: Slice) -> tuple[list[dict[str, Any]], int | None]:  # fmt: skip
    alias = table.split()[-1]
    total = None
    if part.count:
        total = int(conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {' AND '.join(where)}",
                                 args).fetchone()[0])  # fmt: skip
    direction = "ASC"
    if part.before is not None:
        where, args, direction = [*where, f"{alias}.id < ?"], [*args, part.before], "DESC"
    elif part.after is not None:
        where, args = [*where, f"{alias}.id > ?"], [*args, part.after]
    rows = dict_rows(conn, f"SELECT {alias}.* FROM {table} WHERE {' AND '.join(where)}"
                     f" ORDER BY {alias}.id {direction} LIMIT ? OFFSET ?",
                     [*args, part.limit, part.offset])  # fmt: skip
    return rows, total


def _where(base: str, partner_id: int, tests: tuple[tuple[str, Any], ...]
           ) -> tuple[list[str], list[Any]]:  # fmt: skip
    where, args = [base], [partner_id]
    for cond, value in tests:
        if value is not None:
            where.append(cond)
            args.append(value)
    return where, args


def users(conn: sqlite3.Connection, partner_id: int, part: Slice, *, email: str | None = None,
          created_after: str | None = None,
          created_before: str | None = None, updated_after: str | None = None,
          updated_before: str | None = None, external_id: str | None = None,
          details_after: str | None = None, details_before: str | None = None
          ) -> tuple[list[dict[str, Any]], int | None]:  # fmt: skip
    details = "json_extract(u.profile, '$.invoice_details.updated_at')"
    where, args = _where(_MEMBER.format(col="u.id"), partner_id, (
        (f"{details} > ?", details_after), (f"{details} < ?", details_before),
        ("u.email = ?", email), ("json_extract(u.profile, '$.external_id') = ?", external_id),
        ("u.created_at > ?", created_after),
        ("u.created_at < ?", created_before),
        ("COALESCE(u.updated_at, u.created_at) > ?", updated_after),
        ("COALESCE(u.updated_at, u.created_at) < ?", updated_before)))
    return _page(conn, "users u", where, args, part)


def cards(conn: sqlite3.Connection, partner_id: int, part: Slice, *, user_id: int | None = None,
          tag: str | None = None, label: str | None = None, status: str | None = None,
          expires: str | None = None, created_after: str | None = None,
          created_before: str | None = None) -> tuple[list[dict[str, Any]], int | None]:
    where, args = _where(_MEMBER.format(col="c.user_id"), partner_id, (
        ("c.created_at > ?", created_after), ("c.created_at < ?", created_before),
        ("c.user_id = ?", user_id), ("c.tag_id = ?", tag), ("c.label = ?", label),
        ("c.status = ?", status), ("c.expiry_date = ?", expires)))
    return _page(conn, "cards c", where, args, part)


def sessions(conn: sqlite3.Connection, partner_id: int, part: Slice, *,
             states: tuple[str, ...] | None = None, user_id: int | None = None,
             station_id: int | None = None, connector_id: int | None = None,
             tag: str | None = None, started_after: str | None = None,
             started_before: str | None = None, ended_after: str | None = None,
             ended_before: str | None = None, site_id: int | None = None,
             session_id: int | None = None, uuid: str | None = None,
             updated_after: str | None = None, updated_before: str | None = None,
             remote: bool | None = None) -> tuple[list[dict[str, Any]], int | None]:
    """``remote``: only sessions a remote start asked for (True) or none did (False)."""
    where, args = _where(_MEMBER.format(col="s.user_id"), partner_id, (
        ("COALESCE(s.updated_at, s.created_at) > ?", updated_after),
        ("COALESCE(s.updated_at, s.created_at) < ?", updated_before),
        ("s.user_id = ?", user_id), ("s.id = ?", session_id), ("s.uuid = ?", uuid),
        ("s.station_id = ?", station_id),
        ("s.connector_id = ?", connector_id), ("s.auth_id = ?", tag),
        ("COALESCE(s.date_start, s.created_at) > ?", started_after),
        ("COALESCE(s.date_start, s.created_at) < ?", started_before),
        ("s.date_end > ?", ended_after), ("s.date_end < ?", ended_before),
        ("s.station_id IN (SELECT id FROM stations WHERE site_id = ?)", site_id)))
    if states:
        where.append(f"s.state IN ({','.join('?' * len(states))})")
        args.extend(states)
    if remote is not None:
        where.append(("" if remote else "NOT ") + "EXISTS (SELECT 1 FROM remote_start_attempts"
                     " a WHERE a.session_id = s.id)")
    return _page(conn, "sessions s", where, args, part)


def card(conn: sqlite3.Connection, partner_id: int, card_id: int) -> dict[str, Any] | None:
    rows = dict_rows(conn, f"SELECT c.* FROM cards c WHERE c.id = ? AND"
                     f" {_MEMBER.format(col='c.user_id')}", [card_id, partner_id])
    return rows[0] if rows else None


def session(conn: sqlite3.Connection, partner_id: int, session_id: int
            ) -> dict[str, Any] | None:  # fmt: skip
    rows = dict_rows(conn, f"SELECT s.* FROM sessions s WHERE s.id = ? AND"
                     f" {_MEMBER.format(col='s.user_id')}", [session_id, partner_id])
    return rows[0] if rows else None


def meter_values(conn: sqlite3.Connection, session_id: int, limit: int) -> list[dict[str, Any]]:
    return dict_rows(conn, "SELECT ts, energy_wh, power_w, soc FROM meter_values"
                     " WHERE session_id = ? ORDER BY ts, id LIMIT ?", [session_id, limit])


def remote_started(conn: sqlite3.Connection, session_ids: list[int]) -> set[int]:
    """Which of these sessions a remote start (an app, an API) asked for."""
    if not session_ids:
        return set()
    rows = conn.execute(f"SELECT session_id FROM remote_start_attempts WHERE session_id IN"
                        f" ({','.join('?' * len(session_ids))})", session_ids).fetchall()
    return {int(r[0]) for r in rows}


def meter_figures(conn: sqlite3.Connection, session_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per session: the latest power (W) and SoC (%) reported, and the peak and average
    power over the session."""
    if not session_ids:
        return {}
    marks = ",".join("?" * len(session_ids))
    out: dict[int, dict[str, Any]] = {}
    for row in conn.execute(
            f"SELECT session_id, MAX(power_w) AS peak, AVG(power_w) AS average FROM meter_values"
            f" WHERE session_id IN ({marks}) GROUP BY session_id", session_ids):
        out[int(row[0])] = {"peak_w": row[1], "average_w": row[2]}
    for row in conn.execute(
            f"SELECT m.session_id, m.power_w, m.soc FROM meter_values m WHERE m.id IN (SELECT"
            f" MAX(id) FROM meter_values WHERE session_id IN ({marks}) GROUP BY session_id)",
            session_ids):
        out.setdefault(int(row[0]), {}).update(latest_w=row[1], soc=row[2])
    for row in conn.execute(
            f"SELECT m.session_id, m.soc FROM meter_values m WHERE m.id IN (SELECT MAX(id) FROM"
            f" meter_values WHERE session_id IN ({marks}) AND soc IS NOT NULL"
            f" GROUP BY session_id)", session_ids):
        out.setdefault(int(row[0]), {})["soc"] = row[1]
    return out


def card_labels(conn: sqlite3.Connection, card_ids: list[int]) -> dict[int, str | None]:
    if not card_ids:
        return {}
    rows = conn.execute(f"SELECT id, label FROM cards WHERE id IN"
                        f" ({','.join('?' * len(card_ids))})", card_ids).fetchall()
    return {int(r[0]): r[1] for r in rows}


def operator_connector(conn: sqlite3.Connection, operator_id: int, *,
                       connector_id: int | None = None, station_id: int | None = None,
                       number: int | None = None, coverage: Coverage | None = None
                       ) -> dict[str, Any] | None:  # fmt: skip
    """A connector of the operator's network (or of the stations ``coverage`` takes in): by
    id, or by its OCPP number at a station, or (station alone) the station's first free
    one, else its first."""
    where, args = ["s.operator_id = ?", "s.deleted_at IS NULL"], [operator_id]
    if coverage is not None:
        where[0] = coverage_sql(coverage, id_col="s.id", operator_col="s.operator_id",
                                lat_col="s.latitude", lon_col="s.longitude")
        args = []
    for cond, value in (("c.id = ?", connector_id), ("c.station_id = ?", station_id),
                        ("c.sort_order = ?", number)):
        if value is not None:
            where.append(cond)
            args.append(value)
    rows = dict_rows(conn, "SELECT c.*, s.uuid AS station_uuid, s.connected FROM connectors c"
                     f" JOIN stations s ON s.id = c.station_id WHERE {' AND '.join(where)}"
                     " ORDER BY c.ocpp_status IS NOT 'Available', c.sort_order LIMIT 1", args)
    return rows[0] if rows else None


def operator_station(conn: sqlite3.Connection, operator_id: int, station_id: int) -> bool:
    return conn.execute("SELECT 1 FROM stations WHERE id = ? AND operator_id = ?"
                        " AND deleted_at IS NULL", (station_id, operator_id)).fetchone() is not None


def connector_place(conn: sqlite3.Connection, connector_id: int) -> dict[str, Any] | None:
    """A connector's station, operator and current status (for status notifications)."""
    rows = dict_rows(conn, "SELECT c.id, c.station_id, c.ocpp_status, c.status_since,"
                     " s.operator_id FROM connectors c JOIN stations s ON s.id = c.station_id"
                     " WHERE c.id = ?", [connector_id])
    return rows[0] if rows else None


def invoices(conn: sqlite3.Connection, partner_id: int, part: Slice, *,
             issued_from: str | None = None, issued_to: str | None = None
             ) -> tuple[list[dict[str, Any]], int | None]:  # fmt: skip
    """The members' invoices (``documents`` of type invoice)."""
    where, args = _where(_MEMBER.format(col="d.user_id"), partner_id, (
        ("d.document_date >= ?", issued_from), ("d.document_date <= ?", issued_to)))
    where.append("d.doc_type = 'invoice'")
    return _page(conn, "documents d", where, args, part)


def invoice(conn: sqlite3.Connection, partner_id: int, document_id: int) -> dict[str, Any] | None:
    rows = dict_rows(conn, f"SELECT d.* FROM documents d WHERE d.id = ? AND d.doc_type ="
                     f" 'invoice' AND {_MEMBER.format(col='d.user_id')}", [document_id, partner_id])
    return rows[0] if rows else None
