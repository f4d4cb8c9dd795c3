"""be.ENERGISED clients for tests: GraphQL over HTTP (:class:`Gql`, :class:`AsyncGql`), the
``feedStatusUpdate`` subscription over graphql-transport-ws (:class:`WsClient`), and
:class:`Api`, one signed-in driver's charging calls. Each API the core serves gets a module
like this one under ``tests/clients/``."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import websockets

from tests.clients.http import TIMEOUT_S

# Bounds, not pauses: every wait returns as soon as the answer arrives.
HTTP_TIMEOUT_S = TIMEOUT_S
WS_WAIT_S = 60.0


# ------------------------------------------------------------ GraphQL over HTTP


class Gql:
    """``gql(query, variables)`` -> the whole response body ``{"data":..., "errors":...}``."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.endpoint = base_url.rstrip("/") + "/graphql/"
        self.token = token
        self.client = httpx.Client(timeout=HTTP_TIMEOUT_S)

    def with_token(self, token: str | None) -> Gql:
        other = Gql(self.base_url, token)
        other.client = self.client
        return other

    def __call__(self, query: str, variables: dict | None = None,
                 token: str | None = None, headers: dict | None = None) -> dict[str, Any]:
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        bearer = token or self.token
        if bearer:
            hdrs["Authorization"] = f"Bearer {bearer}"
        r = self.client.post(self.endpoint, json={"query": query, "variables": variables or {}},
                             headers=hdrs)
        assert r.headers["content-type"].startswith("application/json"), r.text[:500]
        return r.json()

    def data(self, query: str, variables: dict | None = None, **kw: Any) -> dict[str, Any]:
        body = self(query, variables, **kw)
        assert not body.get("errors"), json.dumps(body["errors"], indent=1)
        return body["data"]

    def error(self, query: str, variables: dict | None = None, **kw: Any) -> dict[str, Any]:
        """The first error; asserts there is one."""
        body = self(query, variables, **kw)
        assert body.get("errors"), f"expected an error, got {body}"
        return body["errors"][0]

    def close(self) -> None:
        self.client.close()


# ------------------------------------------------------------ graphql-transport-ws


class WsClient:
    """Minimal graphql-transport-ws client (the protocol the core serves on /graphql/)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.pending: list[dict[str, Any]] = []  # messages read while awaiting a pong

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, base_url: str, payload: dict | None = None) -> AsyncIterator[WsClient]:
        url = base_url.replace("http://", "ws://").rstrip("/") + "/graphql/"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
            ack = json.loads(await asyncio.wait_for(ws.recv(), WS_WAIT_S))
            assert ack["type"] == "connection_ack", ack
            yield cls(ws)

    async def subscribe(self, op_id: str, query: str, variables: dict | None = None) -> None:
        """Send ``subscribe`` and return once the server has set the operation up.

        The server handles one connection's messages in order and answers a ``ping`` only
        after the ``subscribe`` before it has registered its listener, so the ``pong`` is the
        event that says: from now on, nothing published is missed."""
        await self.ws.send(json.dumps({"id": op_id, "type": "subscribe",
                                       "payload": {"query": query,
                                                   "variables": variables or {}}}))
        await self.ws.send(json.dumps({"type": "ping"}))
        while True:
            msg = await self._read(WS_WAIT_S)
            if msg.get("type") == "pong":
                return
            if msg.get("type") == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            self.pending.append(msg)

    async def _read(self, wait: float) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.ws.recv(), wait))

    async def receive(self, wait: float = WS_WAIT_S) -> dict[str, Any]:
        """Next protocol message, answering server pings on the way."""
        if self.pending:
            return self.pending.pop(0)
        while True:
            msg = await self._read(wait)
            if msg.get("type") == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            if msg.get("type") == "pong":
                continue
            return msg

    async def next(self, op_id: str, wait: float = WS_WAIT_S) -> dict[str, Any]:
        """The next ``next`` payload of one operation (errors fail the test)."""
        while True:
            msg = await self.receive(wait)
            if msg.get("id") != op_id:
                continue
            assert msg["type"] == "next", msg
            return msg["payload"]

    async def complete(self, op_id: str) -> None:
        await self.ws.send(json.dumps({"id": op_id, "type": "complete"}))


class AsyncGql:
    """Async twin of :class:`Gql`, for tests that run the core in their own event loop."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.endpoint = base_url.rstrip("/") + "/graphql/"
        self.token = token
        self.client = httpx.AsyncClient(timeout=HTTP_TIMEOUT_S)

    async def __call__(self, query: str, variables: dict | None = None,
                       token: str | None = None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if token or self.token:
            headers["Authorization"] = f"Bearer {token or self.token}"
        r = await self.client.post(self.endpoint,
                                   json={"query": query, "variables": variables or {}},
                                   headers=headers)
        return r.json()

    async def data(self, query: str, variables: dict | None = None, **kw: Any) -> dict:
        body = await self(query, variables, **kw)
        assert not body.get("errors"), json.dumps(body["errors"], indent=1)
        return body["data"]

    async def error(self, query: str, variables: dict | None = None, **kw: Any) -> dict:
        body = await self(query, variables, **kw)
        assert body.get("errors"), f"expected an error, got {body}"
        return body["errors"][0]

    async def aclose(self) -> None:
        await self.client.aclose()


class Api:
    """Async be.ENERGISED client for one user."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url.rstrip("/") + "/graphql/"
        self.http = httpx.AsyncClient(timeout=HTTP_TIMEOUT_S)
        self.token: str | None = None

    async def close(self) -> None:
        await self.http.aclose()

    async def raw(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        r = await self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        return r.json()

    async def data(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        body = await self.raw(query, variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def login(self, email: str, password: str) -> Api:
        d = await self.data(
            "mutation($u: String!, $p: String!) { initSession(username: $u, password: $p)"
            " { sessionToken } }",
            {"u": email, "p": password},
        )
        self.token = d["initSession"]["sessionToken"]
        return self

    async def remote_start(
        self, connector: int | str, card: str, kind: str = "RFID"
    ) -> dict[str, Any]:
        d = await self.data(
            "mutation($a: Authorization, $c: String) { remoteStart(authorization: $a,"
            " connector: $c) { id status message session transaction code } }",
            {"a": {"identifier": card, "type": kind}, "c": str(connector)},
        )
        return d["remoteStart"]

    async def attempt(
        self, connector: int | str, tag: str, config: dict | None = None
    ) -> dict[str, Any]:
        d = await self.data(
            "mutation($i: AttemptRemoteStartInput!) { attemptRemoteStart(input: $i)"
            " { id status isFailure failureReason chargeLogId connectorId lastSentAt } }",
            {"i": {"connectorId": str(connector), "tagId": tag, "config": config}},
        )
        return d["attemptRemoteStart"]

    async def attempt_status(self, attempt_id: str) -> dict[str, Any]:
        d = await self.data(
            "query($id: String!) { remoteStartAttemptStatus(id: $id)"
            " { id status isFailure failureReason chargeLogId connectorId lastSentAt } }",
            {"id": attempt_id},
        )
        return d["remoteStartAttemptStatus"]

    async def remote_stop(self, transaction: str) -> dict[str, Any]:
        d = await self.data(
            "mutation($t: String) { remoteStop(transaction: $t) { status code title message } }",
            {"t": transaction},
        )
        return d["remoteStop"]

    async def summary(self, chargelog: str) -> dict[str, Any]:
        d = await self.data(
            "query($u: String!) { chargelogMeterValuesSummary(uuid: $u) { sumEnergy"
            " currentPower currentStateOfCharge initialStateOfCharge energyLastValue } }",
            {"u": chargelog},
        )
        return d["chargelogMeterValuesSummary"]

    async def chargelog(self, chargelog: str) -> dict[str, Any]:
        d = await self.data(
            "query($id: ID!) { chargelog(id: $id) { id status authId meterStart meterEnd"
            " energyConsumption co2Saving dateStart dateEnd sessionId rateName"
            " cost { total currency grossAmount costItems { description netAmount taxAmount"
            " grossAmount taxRate } } } }",
            {"id": chargelog},
        )
        return d["chargelog"]
