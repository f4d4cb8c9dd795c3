"""Chargers losing their connection: the core logs no error spam, and a charger dropped right
after boot comes back at once."""

from __future__ import annotations

from services.hardware.charger import StationSpec
from services.hardware.simulator import Simulator
from tests.core.charging.world import reconnected
from tests.waits import WITHIN_S

SPEED = 600
# Well below the simulator's 30 s call timeout: a reconnect that waited it out fails here.
BACK_AT_ONCE_S = 20.0


async def test_charger_disconnects_leave_no_error_spam(debug_core, charger) -> None:  # type: ignore[no-untyped-def]
    """A charger dropping its connection (twice) leaves no ERROR line and no traceback in
    the core's log."""
    url, _seeded, log_path = debug_core
    station = charger.station(_seeded.stations[0])
    before = len(log_path.read_text(errors="replace"))
    for _ in range(2):
        boots = station.boots
        await station.disconnect(offline_s=0.6)
        await reconnected(url, station, boots)
    added = log_path.read_text(errors="replace")[before:]
    assert "Traceback" not in added, added[-3000:]
    assert " ERROR " not in added, added[-3000:]


async def test_a_charger_dropped_right_after_boot_is_back_at_once(debug_core) -> None:  # type: ignore[no-untyped-def]
    """A charger whose connection drops while it announces its connector statuses after
    boot reconnects at once instead of waiting out its 30 s call timeout while looking
    online (and so staying offline for the core)."""
    url, seeded, _log = debug_core
    st = seeded.stations[1]
    sim = Simulator(url, specs=[StationSpec(st)], speed=SPEED, seed=5)
    await sim.start()
    try:
        await sim.wait_online(within_s=WITHIN_S)
        station = sim.station(st)
        boots = station.boots
        await station.disconnect(offline_s=0.0)
        await reconnected(url, station, boots, within_s=BACK_AT_ONCE_S)
    finally:
        await sim.stop()
