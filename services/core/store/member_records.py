"""Records of a partner's members in id order, a page at a time (keyset: ``after`` the last
id of the previous page), for partner APIs with cursor paging: the members themselves, their
cards and their sessions. ``filters`` hold only column tests this module knows."""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.store.rows import dict_rows

_MEMBER = "EXISTS (SELECT 1 FROM partner_members m WHERE m.partner_id = ? AND m.user_id = {col})"


def _page(conn: sqlite3.Connection, sql: str, where: list[str], args: list[Any], order: str,
          after: int | None, descending: bool, limit: int) -> list[dict[str, Any]]:
    if after is not None:
        where.append(f"{order} {'<' if descending else '>'} ?")
        args.append(after)
    direction = "DESC" if descending else "ASC"
    return dict_rows(conn, f"{sql} WHERE {' AND '.join(where)} ORDER BY {order} {direction}"
                     " LIMIT ?", [*args, limit])


def users(conn: sqlite3.Connection, partner_id: int, *, after: int | None, limit: int,
          email: str | None = None, created_after: str | None = None,
          created_before: str | None = None, updated_after: str | None = None,
          updated_before: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    where, args = [_MEMBER.format(col="u.id")], [partner_id]
    for cond, value in (("u.email = ?", email), ("u.created_at > ?", created_after),
                        ("u.created_at < ?", created_before),
                        ("COALESCE(u.updated_at, u.created_at) > ?", updated_after),
                        ("COALESCE(u.updated_at, u.created_at) < ?", updated_before)):
        if value is not None:
            where.append(cond)
            args.append(value)
    return _page(conn, "SELECT u.* FROM users u", where, args, "u.id", after, False, limit)


def cards(conn: sqlite3.Connection, partner_id: int, *, after: int | None, limit: int,
          user_id: int | None = None, tag: str | None = None, label: str | None = None,
          status: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    where, args = [_MEMBER.format(col="c.user_id")], [partner_id]
    for cond, value in (("c.user_id = ?", user_id), ("c.tag_id = ?", tag),
                        ("c.label = ?", label), ("c.status = ?", status)):
        if value is not None:
            where.append(cond)
            args.append(value)
    return _page(conn, "SELECT c.* FROM cards c", where, args, "c.id", after, False, limit)


def sessions(conn: sqlite3.Connection, partner_id: int, *, after: int | None, limit: int,
             states: tuple[str, ...] | None = None, user_id: int | None = None,
             station_id: int | None = None, connector_id: int | None = None,
             tag: str | None = None, started_after: str | None = None,
             started_before: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Newest first (by id, descending): the order a fleet tool reads recent sessions in."""
    where, args = [_MEMBER.format(col="s.user_id")], [partner_id]
    if states:
        where.append(f"s.state IN ({','.join('?' * len(states))})")
        args.extend(states)
    for cond, value in (("s.user_id = ?", user_id), ("s.station_id = ?", station_id),
                        ("s.connector_id = ?", connector_id), ("s.auth_id = ?", tag),
                        ("COALESCE(s.date_start, s.created_at) > ?", started_after),
                        ("COALESCE(s.date_start, s.created_at) < ?", started_before)):
        if value is not None:
            where.append(cond)
            args.append(value)
    return _page(conn, "SELECT s.* FROM sessions s", where, args, "s.id", after, True, limit)


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
