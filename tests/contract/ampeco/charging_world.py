"""A core over the small charging world (``tests/core/charging/world.py``) whose operator has
an AMPECO token, with both drivers as its users, and an async client for it that checks
every answer against the document. The last station is never simulated: it is offline."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.core.services.partners import create_credential
from services.core.store import partners as partner_store
from services.core.store.db import connect, transaction
from services.hardware.simulator import Simulator
from tests.contract.ampeco.openapi_check import check_response, require_document
from tests.core.charging.world import Seeded, seed
from tests.core_launcher import core_process
from tests.waits import WITHIN_S

TOKEN = "ampeco-charging-test-token"
SPEED = 600  # one simulated minute per 0.1 s


class AsyncAmpeco:
    def __init__(self, base_url: str, token: str = TOKEN) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=60.0,
                                      headers={"Authorization": f"Bearer {token}"})

    async def call(self, method: str, template: str, *, json: Any = None, params: Any = None,
                   **path: Any) -> httpx.Response:  # fmt: skip
        url = template.format(**{k: str(v) for k, v in path.items()})
        response = await self.http.request(method, url, json=json, params=params)
        check_response(method, template, response)
        return response

    async def ok(self, template: str, **path: Any) -> Any:
        response = await self.call("GET", template, **path)
        assert response.status_code == 200, response.text[:300]
        return response.json()

    async def close(self) -> None:
        await self.http.aclose()


def charging_core(tmp_path_factory: pytest.TempPathFactory, name: str,
                  env: dict[str, str] | None = None, *, demo: bool = False
                  ) -> Iterator[tuple[str, Seeded, Path]]:  # fmt: skip
    """``demo``: the operator is a demo partner, so the database is a demo one (webhooks may
    go to loopback)."""
    require_document()
    db = tmp_path_factory.mktemp(name) / "core.sqlite3"
    seeded = seed(db, stations=4)
    conn = connect(db)
    try:
        partner = create_credential(conn, "ampeco", "charging operator", secret=TOKEN,
                                    organisation="Voltra Test", demo=demo).partner
        with transaction(conn):
            for user_id in (1, 2):  # a@ and b@example.com
                partner_store.add_member(conn, partner.id, user_id)
    finally:
        conn.close()
    with core_process(db, stations=0, seed=None,
                      env={"VOLTRA_REMOTE_START_TIMEOUT": "20", **(env or {})}) as url:
        yield url, seeded, db


async def simulate(url: str, seeded: Seeded) -> AsyncIterator[Simulator]:
    s = Simulator(url, specs=seeded.specs(seeded.stations[:-1]), speed=SPEED, seed=11)
    await s.start()
    await s.wait_online(within_s=WITHIN_S)
    yield s
    await s.stop()
