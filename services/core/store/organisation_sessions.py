"""Sessions an organisation may read: its members' sessions and the sessions on its own
stations (those of the operator linked to it), filtered, ordered and paged, with the
connector, station, operator, driver and card they belong to."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from services.core.store.rows import dict_rows

BEGIN_SQL = "COALESCE(s.date_start, s.created_at)"
ORDERS = {
    "id": "s.id", "uuid": "s.uuid", "operator": "o.party_id", "station": "st.uuid",
    "connector": "c.id", "evse_id": "c.evse_id", "state": "s.state", "begin": BEGIN_SQL,
    "end": "s.date_end", "tariff": "s.rate_name", "price": "s.cost_total",
    "energy": "s.energy_kwh", "auth_type": "s.auth_type", "current_type": "c.current_type",
    "plug_type": "c.plug_type", "country": "st.country", "city": "st.city", "zip": "st.zip",
    "created": "s.created_at", "updated": "COALESCE(s.updated_at, s.created_at)",
}  # fmt: skip
_COLS = (
    "s.*, c.evse_id, c.code AS connector_code, c.sort_order, c.plug_type, c.current_type,"
    " st.uuid AS station_uuid, st.address, st.zip, st.city, st.country,"
    " o.party_id AS operator_party_id, o.name AS operator_name,"
    " u.uuid AS user_uuid, u.email AS user_email, u.language AS user_language,"
    " k.number AS card_number, k.label AS card_label,"
    " s.user_id IN (SELECT user_id FROM partner_members WHERE partner_id = :partner)"
    " AS of_member"
)
_FROM = (
    "sessions s JOIN connectors c ON c.id = s.connector_id JOIN stations st ON st.id = s.station_id"
    " JOIN operators o ON o.id = st.operator_id LEFT JOIN users u ON u.id = s.user_id"
    " LEFT JOIN cards k ON k.id = s.card_id"
)


@dataclass(frozen=True)
class SessionQuery:
    partner_id: int
    operator_id: int | None  # the organisation's own stations (None: it has none)
    of_members: bool = True
    on_own_stations: bool = True
    states: tuple[str, ...] = ()
    since: str | None = None  # stored-form UTC bounds on the start, [since, until)
    until: str | None = None
    connector_ids: tuple[int, ...] | None = None  # None: any connector
    operator_party_ids: tuple[str, ...] = ()
    text: str | None = None
    order: str = "begin"
    descending: bool = True


def _where(q: SessionQuery, args: dict[str, Any]) -> str:
    scope = []
    args["partner"] = q.partner_id
    if q.of_members:
        scope.append("s.user_id IN (SELECT user_id FROM partner_members"
                     " WHERE partner_id = :partner)")
    if q.on_own_stations and q.operator_id is not None:
        args["own_op"] = q.operator_id
        scope.append("st.operator_id = :own_op")
    where = ["(" + " OR ".join(scope) + ")" if scope else "0"]
    for name, values, column in (("state", q.states, "s.state"),
                                 ("party", q.operator_party_ids, "o.party_id"),
                                 ("conn", q.connector_ids or (), "s.connector_id")):
        if values:
            marks = []
            for i, value in enumerate(values):
                args[f"{name}{i}"] = value
                marks.append(f":{name}{i}")
            where.append(f"{column} IN ({', '.join(marks)})")
    if q.connector_ids is not None and not q.connector_ids:
        where.append("0")
    if q.since:
        args["since"] = q.since
        where.append(f"{BEGIN_SQL} >= :since")
    if q.until:
        args["until"] = q.until
        where.append(f"{BEGIN_SQL} < :until")
    if q.text:
        args["text"] = "%" + q.text.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        fields = ("s.uuid", "c.evse_id", "st.uuid", "st.city", "st.address", "u.email",
                  "k.number", "s.rate_name")
        where.append("(" + " OR ".join(f"{f} LIKE :text ESCAPE '\\'" for f in fields) + ")")
    return " AND ".join(where)


def sessions(conn: sqlite3.Connection, q: SessionQuery, *, offset: int, limit: int
             ) -> list[dict[str, Any]]:
    args: dict[str, Any] = {"lim": limit, "off": offset}
    direction = "DESC" if q.descending else "ASC"
    sql = (f"SELECT {_COLS} FROM {_FROM} WHERE {_where(q, args)}"
           f" ORDER BY {ORDERS[q.order]} IS NULL, {ORDERS[q.order]} {direction}, s.id {direction}"
           " LIMIT :lim OFFSET :off")
    return dict_rows(conn, sql, args)


def session(conn: sqlite3.Connection, q: SessionQuery, session_uuid: str
            ) -> dict[str, Any] | None:
    args: dict[str, Any] = {"uuid": session_uuid}
    rows = dict_rows(conn, f"SELECT {_COLS} FROM {_FROM} WHERE s.uuid = :uuid"
                     f" AND {_where(q, args)}", args)
    return rows[0] if rows else None
