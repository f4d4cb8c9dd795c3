"""Connector and station status: store it, derive the simple forms, tell subscribers.

The OCPP central system calls :func:`publish_connector_status` on every StatusNotification
(and when a charge point goes offline / comes back). It writes the connector's status and
recomputes its station's status in ONE transaction, then publishes a
:class:`~services.core.events.ConnectorStatusEvent` on the connector's topic, which feeds the
be.ENERGISED ``feedStatusUpdate`` subscription.

Status vocabulary (be.ENERGISED ``ConnectorStatus`` / ``CpStatus``):
- ``ocpp``: the latest OCPP 1.6 ChargePointStatus as received (Available, Preparing, Charging,
  SuspendedEVSE, SuspendedEV, Finishing, Reserved, Unavailable, Faulted);
- ``calculated``: what the back end concludes, the OCPP status unless the charge point is
  offline, then ``Unknown`` (an offline charger's last report may be stale);
- ``simple``: SimpleConnectorStatus Available | Occupied | Unavailable | Faulted, and for a
  station SimpleCpStatus Available | Occupied | Unavailable.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, Protocol

from services.core.events import ConnectorStatusEvent, EventBus, connector_topic
from services.core.store.db import transaction, utcnow


class _Runtime(Protocol):
    """The parts of ``services.core.state.Core`` publishing needs (the domain does not
    import the runtime that wires it)."""

    bus: EventBus

    async def db(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any: ...

OCPP_STATUSES = (
    "Available", "Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing",
    "Reserved", "Unavailable", "Faulted",
)
SIMPLE_CONNECTOR = ("Available", "Occupied", "Unavailable", "Faulted")
SIMPLE_CP = ("Available", "Unavailable", "Occupied")
OFFLINE = "Unknown"

_SIMPLE_OF_OCPP = {
    "Available": "Available",
    "Preparing": "Occupied",
    "Charging": "Occupied",
    "SuspendedEVSE": "Occupied",
    "SuspendedEV": "Occupied",
    "Finishing": "Occupied",
    "Reserved": "Occupied",
    "Unavailable": "Unavailable",
    "Faulted": "Faulted",
}


def derive(ocpp: str | None, connected: bool = True) -> tuple[str, str]:
    """(calculated, simple) for an OCPP connector status; offline means Unknown/Unavailable."""
    if not connected:
        return OFFLINE, "Unavailable"
    if ocpp is None:
        return OFFLINE, "Unavailable"
    return ocpp, _SIMPLE_OF_OCPP.get(ocpp, "Unavailable")


def simple_connector(value: str | None) -> str:
    """A stored simple status as the SimpleConnectorStatus enum allows (UNKNOWN -> Unavailable)."""
    return value if value in SIMPLE_CONNECTOR else "Unavailable"


def simple_cp(value: str | None) -> str:
    return value if value in SIMPLE_CP else "Unavailable"


def station_simple(connector_simples: list[str]) -> str:
    """A station is Available if any connector is, else Occupied if any is, else Unavailable."""
    if "Available" in connector_simples:
        return "Available"
    if "Occupied" in connector_simples:
        return "Occupied"
    return "Unavailable"


def refresh_station_status(conn: sqlite3.Connection, station_id: int) -> None:
    """Recompute a station's calculated/simple status from its connectors (inside the
    caller's transaction)."""
    rows = conn.execute(
        "SELECT simple_status FROM connectors WHERE station_id = ?", (station_id,)
    ).fetchall()
    simple = station_simple([r[0] for r in rows])
    conn.execute(
        "UPDATE stations SET simple_status = ?, calculated_status = ? WHERE id = ?",
        (simple, simple, station_id),
    )


def set_connector_status(
    conn: sqlite3.Connection,
    connector_id: int,
    ocpp: str | None,
    calculated: str | None,
    simple: str,
    now: str | None = None,
) -> ConnectorStatusEvent | None:
    """Store a connector status and its station's recomputed status in one transaction.

    Returns the event to publish, or None if the connector does not exist. ``status_since``
    only moves when the simple status actually changes.
    """
    if simple not in SIMPLE_CONNECTOR:
        raise ValueError(f"simple: {simple!r} is not one of {SIMPLE_CONNECTOR}")
    with transaction(conn):
        row = conn.execute(
            "SELECT station_id, simple_status FROM connectors WHERE id = ?", (int(connector_id),)
        ).fetchone()
        if row is None:
            return None
        since_sql = ", status_since = ?" if row["simple_status"] != simple else ""
        params: list[object] = [ocpp, calculated, simple]
        if since_sql:
            params.append(now or utcnow())
        params.append(int(connector_id))
        conn.execute(
            "UPDATE connectors SET ocpp_status = ?, calculated_status = ?, simple_status = ?"
            f"{since_sql} WHERE id = ?",
            params,
        )
        refresh_station_status(conn, row["station_id"])
    return ConnectorStatusEvent(int(connector_id), ocpp, calculated, simple)


async def publish_connector_status(
    core: _Runtime,
    connector_id: int,
    ocpp: str | None,
    calculated: str | None = None,
    simple: str | None = None,
) -> ConnectorStatusEvent | None:
    """Store, then publish. ``calculated``/``simple`` default to :func:`derive` (online).

    Publishing happens only after the transaction committed, so a subscriber that reacts by
    querying the API sees the new state.
    """
    if calculated is None or simple is None:
        d_calc, d_simple = derive(ocpp)
        calculated = calculated if calculated is not None else d_calc
        simple = simple if simple is not None else d_simple
    event = await core.db(set_connector_status, connector_id, ocpp, calculated, simple)
    if event is not None:
        core.bus.publish(connector_topic(event.connector_id), event)
    return event
