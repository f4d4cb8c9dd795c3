"""A user's charging history: chargelogs (paged, filtered), statistics, live meter summary.

Chargelog ``status`` (the document types it as a free String; its filter enum
``ChargeLogFilterStatus`` knows ``started`` and ``stopped``), so the core answers:
- ``started`` while a session is requested, accepted, charging or stopping;
- ``stopped`` once it finished;
- ``failed`` when it never delivered (rejected start, charger fault before start).
Filter ``started`` selects running sessions, ``stopped`` finished and failed ones.

``transaction_id`` is the session id (``sessions.id``), the value a stop takes; the
charger knows the session by its own random id (``sessions.ocpp_tx_id``).
Times: ``TimeFrameFilter`` selects sessions whose start lies in ``[start, end)``;
either bound may be missing. Newest first.

Running sessions show live figures: energy from the latest meter value, cost from the
tariff snapshot taken at start (``tariffs.session_cost`` with ``end = now``).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from services.core.domain.errors import BadInput, NotFound
from services.core.domain.sessions import ACTIVE, SessionState
from services.core.domain.tariffs import co2_saving_kg, session_cost, tariff_from
from services.core.store.db import from_iso, to_iso

RUNNING = ACTIVE
STATUS_FILTERS = {"started": RUNNING, "stopped": (SessionState.FINISHED, SessionState.FAILED)}


def chargelog_status(state: str) -> str:
    if state in RUNNING:
        return "started"
    return "stopped" if state == "finished" else "failed"


def _iso(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = from_iso(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return to_iso(value)


def _where(user_id: int, status: str | None, timeframe: dict | None,
           tag_id: str | None = None) -> tuple[str, list[Any]]:
    clauses, args = ["s.user_id = ?"], [user_id]
    if tag_id is not None:
        clauses.append("s.auth_id = ?")
        args.append(tag_id.strip().upper())
    if status is not None:
        if status not in STATUS_FILTERS:
            raise BadInput("filters.status", "must be started or stopped")
        states = STATUS_FILTERS[status]
        clauses.append(f"s.state IN ({', '.join('?' for _ in states)})")
        args.extend(states)
    tf = timeframe or {}
    start, end = _iso(tf.get("start")), _iso(tf.get("end"))
    if start and end and end <= start:
        raise BadInput("timeframe.end", "must be after timeframe.start")
    if start:
        clauses.append("COALESCE(s.date_start, s.created_at) >= ?")
        args.append(start)
    if end:
        clauses.append("COALESCE(s.date_start, s.created_at) < ?")
        args.append(end)
    return " AND ".join(clauses), args


def list_sessions(conn: sqlite3.Connection, user_id: int, *, limit: int, offset: int,
                  status: str | None = None, timeframe: dict | None = None,
                  tag_id: str | None = None) -> tuple[list[sqlite3.Row], int]:
    """``tag_id``: only sessions authorised with that card tag."""
    where, args = _where(user_id, status, timeframe, tag_id)
    total = conn.execute(f"SELECT COUNT(*) FROM sessions s WHERE {where}", args).fetchone()[0]
    rows = conn.execute(
        f"SELECT s.* FROM sessions s WHERE {where}"
        " ORDER BY COALESCE(s.date_start, s.created_at) DESC, s.id DESC LIMIT ? OFFSET ?",
        [*args, limit, offset],
    ).fetchall()
    return rows, int(total)


def get_session(conn: sqlite3.Connection, user_id: int, ident: str, field: str = "id"
                ) -> sqlite3.Row:
    """By uuid (Chargelog.id). Another user's session is NOT_FOUND."""
    ident = str(ident or "").strip()
    if not ident:
        raise BadInput(field, "is required")
    row = conn.execute(
        "SELECT * FROM sessions WHERE uuid = ? AND user_id = ?", (ident, user_id)
    ).fetchone()
    if row is None:
        raise NotFound(f"{field}: no chargelog '{ident}'", field=field)
    return row


def _last_meter(conn: sqlite3.Connection, session_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM meter_values WHERE session_id = ? AND energy_wh IS NOT NULL"
        " ORDER BY ts DESC, id DESC LIMIT 1",
        (session_id,),
    ).fetchone()


def live_energy_kwh(conn: sqlite3.Connection, row: sqlite3.Row) -> float | None:
    if row["energy_kwh"] is not None and row["state"] not in RUNNING:
        return float(row["energy_kwh"])
    last = _last_meter(conn, row["id"])
    if last is None or row["meter_start"] is None:
        return float(row["energy_kwh"]) if row["energy_kwh"] is not None else None
    return max(0, last["energy_wh"] - row["meter_start"]) / 1000.0


def _cost_items(conn: sqlite3.Connection, row: sqlite3.Row) -> list[dict[str, Any]]:
    return [
        {
            "net_amount": i["net_amount"], "gross_amount": i["gross_amount"],
            "tax_amount": i["tax_amount"], "tax_rate": i["tax_rate"],
            "description": i["description"],
        }
        for i in conn.execute(
            "SELECT * FROM session_cost_items WHERE session_id = ? ORDER BY id", (row["id"],)
        )
    ]


def _tax_rate(row: sqlite3.Row) -> float | None:
    if not row["tariff_snapshot"]:
        return None
    return tariff_from(json.loads(row["tariff_snapshot"])).tax_rate


def cost_dict(conn: sqlite3.Connection, row: sqlite3.Row, now: datetime | None = None
              ) -> dict[str, Any] | None:
    """What the session costs: ``total`` is what the driver pays (gross), ``tax_amount``
    the tax in it, ``tax_rate`` the tariff's rate (%), ``items`` the cost lines. Running
    sessions show what they cost so far."""
    if row["state"] in RUNNING and row["tariff_snapshot"] and row["date_start"]:
        now = now or datetime.now(UTC)
        free = bool(conn.execute(
            "SELECT free_of_charge FROM connectors WHERE id = ?", (row["connector_id"],)
        ).fetchone()[0])
        live = session_cost(
            row["tariff_snapshot"], energy_kwh=live_energy_kwh(conn, row) or 0.0,
            start=from_iso(row["date_start"]), end=now, free_of_charge=free,
        )
        return {
            "items": [i.as_row() for i in live.items], "total": live.total,
            "currency": live.currency, "tax_rate": _tax_rate(row), "tax_amount": live.tax,
        }
    if row["cost_total"] is None:
        return None
    return {
        "items": _cost_items(conn, row),
        "total": row["cost_total"],
        "currency": row["currency"],
        "tax_rate": _tax_rate(row),
        "tax_amount": row["cost_tax"],
    }


def session_dict(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    """A sessions row with its live figures: energy (kWh), CO2 saved (kg), the meter
    register (Wh), cost. ``connector`` is the connector id; ``transaction_id`` the id a stop
    names (the charger's own id for it is ``sessions.ocpp_tx_id``)."""
    energy = live_energy_kwh(conn, row)
    if row["co2_kg"] is not None and row["state"] not in RUNNING:
        co2 = row["co2_kg"]
    else:
        co2 = co2_saving_kg(energy) if energy is not None else None
    meter_end = row["meter_end"]
    if meter_end is None and row["state"] in RUNNING:
        last = _last_meter(conn, row["id"])
        meter_end = last["energy_wh"] if last is not None else None
    return {
        "id": row["uuid"],
        "status": chargelog_status(row["state"]),
        "connector": row["connector_id"],
        "auth_id": row["auth_id"],
        "auth_type": row["auth_type"],
        "date_start": row["date_start"],
        "date_end": row["date_end"],
        "meter_start": row["meter_start"],
        "meter_end": meter_end,
        "energy_kwh": energy,
        "co2_kg": co2,
        "cost": cost_dict(conn, row),
        "transaction_id": str(row["id"]),
        "rate_name": row["rate_name"],
    }


def statistics(conn: sqlite3.Connection, user_id: int, timeframe: dict | None
               ) -> dict[str, Any]:
    """Finished sessions only: running ones have no final energy yet."""
    where, args = _where(user_id, "stopped", timeframe)
    row = conn.execute(
        f"SELECT COUNT(*) AS n, COALESCE(SUM(s.energy_kwh), 0) AS e,"
        f" COALESCE(SUM(s.co2_kg), 0) AS c FROM sessions s WHERE {where}"
        " AND s.state = 'finished'",
        args,
    ).fetchone()
    return {"number": int(row["n"]), "energy_kwh": round(float(row["e"]), 3),
            "co2_kg": round(float(row["c"]), 3)}


def meter_summary(conn: sqlite3.Connection, user_id: int, session_uuid: str
                  ) -> dict[str, Any]:
    """The live figures of a session from its meter values (kWh, W, % SoC).

    ``energy_kwh`` is the energy delivered so far (last - first reading; the session's
    meter start when known); ``energy_first/last_kwh`` are meter register readings;
    ``*_changed_at`` are when the value last changed, not when it was last reported.
    """
    row = get_session(conn, user_id, session_uuid, field="uuid")
    values = conn.execute(
        "SELECT ts, energy_wh, power_w, soc FROM meter_values WHERE session_id = ?"
        " ORDER BY ts, id",
        (row["id"],),
    ).fetchall()
    energy = [v for v in values if v["energy_wh"] is not None]
    first = energy[0] if energy else None
    last = energy[-1] if energy else None
    base = row["meter_start"] if row["meter_start"] is not None else (
        first["energy_wh"] if first else None)
    sum_energy = None
    if last is not None and base is not None:
        sum_energy = round(max(0, last["energy_wh"] - base) / 1000.0, 3)
    elif row["energy_kwh"] is not None:
        sum_energy = float(row["energy_kwh"])

    def last_change(key: str) -> tuple[Any, str | None]:
        current, since = None, None
        for v in values:
            if v[key] is None:
                continue
            if current is None or v[key] != current:
                current, since = v[key], v["ts"]
        return current, since

    energy_changed = last_change("energy_wh")[1]
    power, power_since = last_change("power_w")
    soc, soc_since = last_change("soc")
    socs = [v["soc"] for v in values if v["soc"] is not None]
    return {
        "energy_kwh": sum_energy,
        "updated_at": values[-1]["ts"] if values else None,
        "energy_last_kwh": last["energy_wh"] / 1000.0 if last else None,
        "energy_last_at": last["ts"] if last else None,
        "energy_changed_at": energy_changed,
        "energy_first_kwh": first["energy_wh"] / 1000.0 if first else None,
        "energy_first_at": first["ts"] if first else None,
        "soc_changed_at": soc_since,
        "power_changed_at": power_since,
        # A finished session draws no power any more, whatever the last sample said.
        "power_w": (round(power) if power is not None and row["state"] in RUNNING
                    else (0 if values else None)),
        "soc": round(soc) if soc is not None else None,
        "initial_soc": round(socs[0]) if socs else None,
    }
