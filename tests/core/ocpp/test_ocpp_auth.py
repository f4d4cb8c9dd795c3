"""Every charger authenticates (OCPP security profile 1); an identity cannot be taken over."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
import websockets

from services.hardware.charger import StationSpec
from services.hardware.simulator import Simulator
from tests.core.ocpp.ocpp_client import RawCharger, set_password


async def _refused(url: str, ident: str, password: str | None) -> None:
    with pytest.raises(websockets.InvalidStatus) as err:
        await RawCharger.connect(url, ident, password)
    assert err.value.response.status_code == 403


async def test_connection_without_valid_credentials_is_refused(ocpp_core) -> None:
    url, store = ocpp_core
    demo, own = store.stations[0], store.stations[3]
    await _refused(url, demo, None)
    await _refused(url, demo, "not-the-password-at-all")
    await _refused(url, own, None)
    await _refused(url, own, "demo")  # its demo password no longer counts
    await _refused(url, "no-such-charger", "demo")
    c = await RawCharger.connect(url, own, store.passwords[own])
    try:
        await c.boot()
    finally:
        await c.close()


async def test_station_without_credentials_is_refused(ocpp_core) -> None:
    url, store = ocpp_core
    ident = store.stations[2]
    conn = sqlite3.connect(store.db)
    try:
        saved = conn.execute(
            "SELECT ocpp_password_hash FROM stations WHERE uuid = ?", (ident,)
        ).fetchone()[0]
        conn.execute("UPDATE stations SET ocpp_password_hash = NULL WHERE uuid = ?", (ident,))
        conn.commit()
        await _refused(url, ident, "demo")
    finally:
        conn.execute("UPDATE stations SET ocpp_password_hash = ? WHERE uuid = ?", (saved, ident))
        conn.commit()
        conn.close()


async def test_duplicate_identity_needs_the_password_to_replace(ocpp_core) -> None:
    url, store = ocpp_core
    ident = store.stations[1]
    real = await RawCharger.connect(url, ident)
    try:
        await real.boot()
        # an impostor without the password: refused, and the real charger keeps its link
        await _refused(url, ident, None)
        await _refused(url, ident, "guessing-a-password")
        assert (await real.call("Heartbeat", {}))[0] == 3
        # the same charger reconnecting (it has the password): the new socket wins
        again = await RawCharger.connect(url, ident)
        try:
            assert (await again.call("Heartbeat", {}))[0] == 3
            with pytest.raises(websockets.ConnectionClosed):
                await real.recv(wait=10)
        finally:
            await again.close()
    finally:
        await real.close()


async def test_simulator_uses_demo_and_given_passwords(ocpp_core) -> None:
    url, store = ocpp_core
    demo, own = store.stations[0], store.stations[3]
    sim = Simulator(
        url, specs=[StationSpec(demo), StationSpec(own, password=store.passwords[own])], speed=1
    )
    await sim.start()
    try:
        await sim.wait_online(within_s=30)
    finally:
        await sim.stop()


async def test_set_password_replaces_the_old_one(ocpp_core, tmp_path) -> None:
    url, store = ocpp_core
    ident = store.stations[3]
    old = store.passwords[ident]
    new = await asyncio.to_thread(set_password, store, ident)
    assert new != old and 16 <= len(new) <= 40
    await _refused(url, ident, old)
    c = await RawCharger.connect(url, ident, new)
    await c.close()
    conn = sqlite3.connect(store.db)
    try:
        stored = conn.execute(
            "SELECT ocpp_password_hash FROM stations WHERE uuid = ?", (ident,)
        ).fetchone()[0]
    finally:
        conn.close()
    assert new not in stored  # only its hash is kept
