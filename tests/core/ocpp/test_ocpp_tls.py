"""OCPP security profile 2: Basic auth over TLS when the core is given a certificate."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest
import websockets

from tests.core.ocpp.ocpp_client import RawCharger, seed
from tests.core_launcher import core_process


@pytest.fixture(scope="module")
def tls_core(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    store = seed(d / "core.sqlite3", stations=1)
    with core_process(store.db, stations=0,
                      extra=["--tls-cert", str(cert), "--tls-key", str(key)]) as url:
        yield url, store, cert


async def test_charger_connects_over_tls_with_basic_auth(tls_core) -> None:
    url, store, cert = tls_core
    assert url.startswith("https://")
    trust = ssl.create_default_context(cafile=str(cert))
    c = await RawCharger.connect(url, store.stations[0], ssl=trust)
    try:
        assert (await c.call("Heartbeat", {}))[0] == 3
    finally:
        await c.close()
    with pytest.raises(websockets.InvalidStatus) as refused:
        await RawCharger.connect(url, store.stations[0], password=None, ssl=trust)
    assert refused.value.response.status_code == 403


def test_tls_flags_go_together(tmp_path: Path) -> None:
    from services.core.__main__ import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--tls-cert", str(tmp_path / "c.pem")])


async def test_simulator_trusts_a_private_ca_from_ssl_cert_file(tls_core, monkeypatch) -> None:
    from services.hardware.charger import StationSpec
    from services.hardware.simulator import Simulator

    url, store, cert = tls_core
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    sim = Simulator(url, specs=[StationSpec(store.stations[0])], speed=1)
    await sim.start()
    try:
        await sim.wait_online(within_s=30)
    finally:
        await sim.stop()
