"""The REST facade machinery through a small facade mounted by the core's own server app
(create_app), over httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.core.server import create_app
from services.core.state import Core, CoreConfig
from services.core.store.db import connect, migrate

FACADES = ["services.core.api.beenergised", "tests.core.sample_rest_facade"]
AUTH = {"Authorization": "Bearer good-token"}
KEY = {"x-api-key": "k-1"}


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    db = tmp_path / "core.sqlite3"
    conn = connect(str(db))
    migrate(conn)
    conn.close()
    core = Core(CoreConfig(db_path=db))
    app = create_app(core, facades=FACADES, parts=[])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://core") as c:
        yield c
    core.close()


async def test_valid_request_passes_auth_and_body(client: httpx.AsyncClient) -> None:
    r = await client.post("/sample-api/sessions", headers=AUTH,
                          json={"connector": {"id": 3}, "card": "CARD-1"})
    assert r.status_code == 201
    assert r.json() == {"by": "partner-1", "connector": 3, "card": "CARD-1"}


async def test_missing_and_wrong_credentials_are_401_in_the_envelope(
        client: httpx.AsyncClient) -> None:
    r = await client.post("/sample-api/sessions", json={})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer <token>" in r.json()["message"]
    r = await client.post("/sample-api/sessions", json={},
                          headers={"Authorization": "Bearer nope"})
    assert (r.status_code, r.json()) == (401, {"message": "invalid credentials"})
    r = await client.get("/sample-api/items", headers={"x-api-key": "k-2"})
    assert (r.status_code, r.json()) == (401, {"message": "invalid credentials"})


async def test_body_errors_name_the_field(client: httpx.AsyncClient) -> None:
    r = await client.post("/sample-api/sessions", headers=AUTH,
                          json={"connector": {"id": 0}, "card": "CARD-1"})
    assert r.status_code == 422
    body = r.json()
    assert body["message"].startswith("connector.id: ")
    assert list(body["errors"]) == ["connector.id"]

    r = await client.post("/sample-api/sessions", headers=AUTH, json={"connector": {}})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"connector.id", "card"}

    r = await client.post("/sample-api/sessions", content=b'{"connector": ',
                          headers={**AUTH, "content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["errors"]["body"][0].startswith("not valid JSON")

    r = await client.post("/sample-api/sessions", headers=AUTH, content=b"")
    assert r.status_code == 400 and "body" in r.json()["errors"]


async def test_refusals_by_starlette_use_the_envelope(client: httpx.AsyncClient) -> None:
    r = await client.get("/sample-api/nowhere")
    assert (r.status_code, r.json()) == (404, {"message": "Not Found"})
    r = await client.get("/sample-api/sessions")
    assert (r.status_code, r.json()) == (405, {"message": "Method Not Allowed"})
    r = await client.get("/sample-api/busy")
    assert (r.status_code, r.json()) == (429, {"message": "too many requests"})
    assert r.headers["retry-after"] == "3"


async def test_a_bug_is_a_500_without_internals(client: httpx.AsyncClient,
                                                caplog: pytest.LogCaptureFixture) -> None:
    r = await client.get("/sample-api/broken")
    assert (r.status_code, r.json()) == (500, {"message": "internal server error"})
    assert "secret internals" in caplog.text  # logged for the operator, once


async def test_page_paging_is_bounded(client: httpx.AsyncClient) -> None:
    r = await client.get("/sample-api/items?page=3&per_page=20", headers=KEY)
    assert [i["id"] for i in r.json()["data"]] == list(range(41, 46))
    assert r.json()["meta"]["lastPage"] == 3
    for query, field in (("per_page=101", "per_page"), ("per_page=abc", "per_page"),
                         ("page=0", "page")):
        r = await client.get(f"/sample-api/items?{query}", headers=KEY)
        assert r.status_code == 400, query
        assert list(r.json()["errors"]) == [field]


async def test_cursor_paging_walks_everything_once(client: httpx.AsyncClient) -> None:
    seen: list[int] = []
    url = "/sample-api/items-by-cursor?limit=20"
    while True:
        body = (await client.get(url, headers=KEY)).json()
        seen += [i["id"] for i in body["data"]]
        if not body["next"]:
            break
        url = f"/sample-api/items-by-cursor?limit=20&cursor={body['next']}"
    assert seen == list(range(1, 46))
    r = await client.get("/sample-api/items-by-cursor?cursor=%%%garbage", headers=KEY)
    assert r.status_code == 400 and list(r.json()["errors"]) == ["cursor"]


async def test_body_limit_answers_in_the_format_of_the_path(client: httpx.AsyncClient
                                                          ) -> None:
    big = b"x" * ((1 << 20) + 1)
    r = await client.post("/sample-api/sessions", content=big, headers=AUTH)
    assert r.status_code == 413
    assert r.json()["message"].startswith("request body larger than")
    r = await client.post("/graphql/", content=big)
    assert r.status_code == 413
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    r = await client.post("/payments/x", content=big)
    assert r.status_code == 413
    assert r.json()["error"].startswith("request body larger than")


def test_a_facade_that_cannot_load_fails_start_up(tmp_path: Path) -> None:
    core = Core(CoreConfig(db_path=tmp_path / "core.sqlite3"))
    try:
        with pytest.raises(ModuleNotFoundError):
            create_app(core, facades=["services.core.api.no_such_facade"], parts=[])
        with pytest.raises(RuntimeError, match="outside its prefix"):
            create_app(core, facades=["tests.core.sample_rest_facade_astray"], parts=[])
    finally:
        core.close()
