"""No secret in any log: a core at --log-level debug, the in-process simulator and the
services-layer client log nothing of passwords (right, wrong, sent with the wrong type),
session or refresh tokens, or a charger's Basic auth password, through logins, a renewal,
a subscription, a start and a stop."""

from __future__ import annotations

import base64
import logging
import re
from typing import Any

from tests.clients.beenergised import Api, WsClient
from tests.core.charging.world import BOX_PASSWORD, PASSWORD, reconnected
from tests.waits import eventually

WRONG_PASSWORD = "Wrong-Secret-99"
NUMERIC_PASSWORD = 31415926535  # sent as a number: graphql-core's message quotes it

INIT = (
    "mutation($u: String!, $p: String!) { initSession(username: $u, password: $p)"
    " { sessionToken refreshToken } }"
)
RENEW = "mutation { renewSession { sessionToken refreshToken } }"
FEED = (
    "subscription($c: [ID]!) { feedStatusUpdate(connectors: $c)"
    " { connectorId ocpp calculated simple } }"
)


async def _raw(api: Api, query: str, variables: dict[str, Any], token: str | None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = await api.http.post(api.url, json={"query": query, "variables": variables}, headers=headers)
    return r.json()


async def test_no_secrets_in_any_log(debug_core, charger, caplog) -> None:  # type: ignore[no-untyped-def]
    url, seeded, log_path = debug_core
    caplog.set_level(logging.DEBUG)
    st = seeded.stations[0]
    connector = seeded.connectors[st][0]
    card_uuid, _tag = seeded.users["a@example.com"]["cards"]["main"]
    # The charger connected before this test captured logs: make it shake hands again now.
    station = charger.station(st)
    boots = station.boots
    await station.disconnect(offline_s=0.0)
    await reconnected(url, station, boots)
    api = Api(url)
    secrets: list[str] = [
        PASSWORD,
        WRONG_PASSWORD,
        str(NUMERIC_PASSWORD),
        BOX_PASSWORD,
        base64.b64encode(f"{st}:{BOX_PASSWORD}".encode()).decode(),
    ]
    try:
        for wrong in (WRONG_PASSWORD, NUMERIC_PASSWORD):
            body = await _raw(api, INIT, {"u": "a@example.com", "p": wrong}, None)
            assert body["errors"][0]["extensions"]["code"] in (
                "UNAUTHENTICATED",
                "BAD_USER_INPUT",
            ), body
        pair = (await _raw(api, INIT, {"u": "a@example.com", "p": PASSWORD}, None))["data"][
            "initSession"
        ]
        renewed = (await _raw(api, RENEW, {}, pair["refreshToken"]))["data"]["renewSession"]
        secrets += [
            pair["sessionToken"],
            pair["refreshToken"],
            renewed["sessionToken"],
            renewed["refreshToken"],
        ]
        api.token = renewed["sessionToken"]
        started = await api.remote_start(connector, card_uuid)
        assert started["code"] == 200 and started["transaction"], started

        async def charging():  # type: ignore[no-untyped-def]
            s = await api.summary(started["session"])
            return s if (s["sumEnergy"] or 0) > 0.05 else None

        await eventually(charging)
        stop = await api.remote_stop(started["transaction"])
        assert stop["status"] == "STOPPING", stop

        async def finished():  # type: ignore[no-untyped-def]
            log = await api.chargelog(started["session"])
            return log if log["status"] == "stopped" else None

        await eventually(finished)
    finally:
        await api.close()
    core_log = log_path.read_text(errors="replace")
    here = caplog.text
    # The logs are really being written at DEBUG (else the check below proves nothing).
    assert "DEBUG" in core_log or "debug" in core_log.lower(), core_log[-2000:]
    assert here, "no client/simulator log captured"
    assert "Authorization: Basic" in here or "BootNotification" in here, here[-2000:]
    for secret in secrets:
        assert secret not in core_log, f"core log leaks {secret[:6]}..."
        assert secret not in here, f"client/simulator log leaks {secret[:6]}..."


async def test_services_layer_logs_carry_no_secret(debug_core, charger, caplog) -> None:  # type: ignore[no-untyped-def]
    """The be.ENERGISED provider (what the UI calls) at DEBUG: login, cards, start, stop,
    logout leave neither the password nor any token in any log record."""
    from services.models import Credentials
    from services.registry import open_provider

    url, seeded, _log = debug_core
    caplog.set_level(logging.DEBUG)
    st = seeded.stations[0]
    card_uuid, _tag = seeded.users["a@example.com"]["cards"]["main"]
    p = await open_provider(
        "beenergised", url, Credentials(username="a@example.com", password=PASSWORD)
    )
    tokens = p.gql.tokens  # type: ignore[attr-defined]
    secrets = [PASSWORD, tokens.session, tokens.refresh]
    try:
        assert card_uuid in {c.id for c in await p.list_cards()}
        session = await p.start_charging(str(seeded.connectors[st][0]), card_uuid)
        done = await p.stop_charging(session.id)
        assert done.ended_at is not None
        now = p.gql.tokens  # type: ignore[attr-defined]
        secrets += [now.session, now.refresh]
        await p.logout()
    finally:
        await p.close()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert any(r.name.startswith("voltra") for r in caplog.records), "nothing logged"
    for secret in filter(None, secrets):
        assert secret not in text, f"log leaks {secret[:6]}..."


async def test_core_log_never_shows_a_credential(debug_core, charger) -> None:  # type: ignore[no-untyped-def]
    """After a login, a WebSocket subscription (token in connection_init) and a charger
    handshake (Basic auth) at DEBUG, no bearer or Basic credential value appears anywhere in
    the core's log."""
    url, seeded, log_path = debug_core
    st = seeded.stations[0]
    station = charger.station(st)
    boots = station.boots
    await station.disconnect(offline_s=0.0)
    await reconnected(url, station, boots)
    api = await Api(url).login("a@example.com", PASSWORD)
    try:
        async with WsClient.connect(url, {"Authorization": f"Bearer {api.token}"}) as ws:
            await ws.subscribe("s", FEED, {"c": [str(seeded.connectors[st][0])]})
            await ws.complete("s")
    finally:
        await api.close()
    text = log_path.read_text(errors="replace")
    assert "connection_init" in text or "GraphQL" in text or "TEXT" in text, text[-1000:]
    leaks = re.findall(r"(?i)\b(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})", text)
    assert not leaks, leaks[:3]
    # websockets shortens a logged frame in the middle: "Author...<tail of the token>"
    inits = [line for line in text.splitlines() if "connection_init" in line]
    assert inits, "this test's connection_init was not logged"
    assert not [line for line in inits if "Author" in line or "payload" in line], inits
