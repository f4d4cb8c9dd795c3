"""The port through which the core commands chargers.

The OCPP 1.6J central system implements it (``services.core.ocpp.central.CentralSystem``);
a test or another charger protocol may provide its own. The core holds one as
``Core.gateway`` (None when the core runs without a central system).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from services.core.domain.charging import StartPlan


class ChargerGateway(Protocol):
    # How long a recorded start may wait for the charger before it fails.
    start_timeout_s: float

    def is_connected(self, station_uuid: str) -> bool:
        """Whether the station's charger holds a live connection to this core."""
        ...

    async def send_remote_start(self, plan: StartPlan, wait_s: float) -> None:
        """Ask the charger to start the recorded ``plan``; wait up to ``wait_s`` for its
        answer. The attempt keeps progressing in the store afterwards either way."""
        ...

    def send_remote_stop(self, session_id: int) -> None:
        """Ask the charger to stop the session (in the background; re-sent on reconnect
        while the charger is offline)."""
        ...

    async def reserve(self, station_uuid: str, connector_no: int, reservation_id: int,
                      expires_at: datetime, tag: str, parent_tag: str | None) -> str | None:
        """Send ReserveNow; the charger's answer (Accepted, Faulted, Occupied, Rejected,
        Unavailable), or None when it is offline or did not answer in time."""
        ...

    async def cancel_reservation(self, station_uuid: str, reservation_id: int) -> str | None:
        """Send CancelReservation; Accepted, Rejected, or None (offline, no answer)."""
        ...

    async def unlock(self, station_uuid: str, connector_no: int) -> str | None:
        """Send UnlockConnector; Unlocked, UnlockFailed, NotSupported, or None (offline,
        no answer)."""
        ...

    async def flush_meter_values(self) -> None:
        """Write meter values still buffered in memory, so readers see the newest."""
        ...
