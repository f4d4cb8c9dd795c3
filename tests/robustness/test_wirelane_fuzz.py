"""Odd input to every Wirelane operation, against the session core over HTTP: query
parameters with arbitrary text, bodies of arbitrary JSON, token requests of arbitrary form
fields. Never a 5xx; every refusal is the API's JSON error body (RFC 6749's at the token
endpoint). Bounded: a fixed seed (derandomized), a fixed number of examples per operation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clients.wirelane import Wirelane
from tests.contract.wirelane import document

SETTINGS = settings(max_examples=120, derandomize=True, deadline=None,
                    suppress_health_check=list(HealthCheck))
OPERATIONS = {"/points": "Get organization charge points",
              "/members": "Get members of an organization",
              "/sessions": "Get charging sessions of the organization"}
values = st.one_of(st.text(max_size=30), st.from_regex(r"-?[0-9]{0,12}(\.[0-9]{0,8})?",
                                                         fullmatch=True),
                   st.sampled_from(["", "0", "1", "-1", "1e309", "NaN", "asc", "FREE", "*",
                                    "2026-02-30T25:61:00Z", "9" * 40]))
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=12)
POINT_FIELDS = ("charge_point_id", "charging_station_id", "plug_types", "power", "latitude",
                "longitude", "charging_group", "availability", "country", "evseid", "status")


@pytest.fixture(scope="module")
def wl(core_url: str) -> Iterator[Wirelane]:
    client = Wirelane(core_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def fuzz(wl: Wirelane) -> tuple[Wirelane, str]:
    return wl, wl.password_token()


def _answered_in_format(r: Any, *, oauth: bool = False) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:300])
    if 300 <= r.status_code < 400:  # a trailing slash ('%2F' decoded) is redirected away
        assert r.headers["location"]
        return
    body = r.json()
    if r.status_code >= 400:
        if oauth:
            assert body["error"] and body["error_description"], body
        else:
            assert body["status"] == r.status_code and body["message"], body


@pytest.mark.parametrize("path", list(OPERATIONS))
def test_query_parameters(fuzz: tuple[Wirelane, str], path: str) -> None:
    wl, token = fuzz
    names = document.query_parameters(OPERATIONS[path])

    @SETTINGS
    @given(st.lists(st.tuples(st.sampled_from(names), values), min_size=1, max_size=6))
    def run(params: list[tuple[str, str]]) -> None:
        _answered_in_format(wl.get(path, token, params))

    run()


def test_path_ids(fuzz: tuple[Wirelane, str]) -> None:
    wl, token = fuzz
    segment = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1,
                      max_size=40).map(lambda s: quote(s, safe=""))

    @SETTINGS
    @given(st.sampled_from(["/points/id/{}", "/points/evseid/{}", "/points/{}/1",
                            "/members/{}", "/members/{}/payments", "/sessions/{}",
                            "/webhooks/{}"]), segment)
    def run(template: str, ident: str) -> None:
        if ident in (".", ".."):
            return
        _answered_in_format(wl.get(template.format(ident), token))

    run()


def test_point_bodies(fuzz: tuple[Wirelane, str]) -> None:
    wl, token = fuzz

    @SETTINGS
    @given(st.one_of(JSON, st.dictionaries(st.sampled_from(POINT_FIELDS), JSON, max_size=6)),
           st.sampled_from(["POST", "PUT"]))
    def run(body: Any, method: str) -> None:
        path = "/points" if method == "POST" else "/points/id/1"
        # json.dumps writes NaN/Infinity, which is not JSON: that is odd input too
        _answered_in_format(wl.request(method, path, token, content=json.dumps(body),
                                       headers={"Content-Type": "application/json"}))

    run()


def test_token_forms(wl: Wirelane) -> None:
    @SETTINGS
    @given(st.dictionaries(st.sampled_from(["grant_type", "client_id", "client_secret",
                                            "username", "scope", "refresh_token"]),
                           st.text(max_size=40), max_size=5))
    def run(form: dict[str, str]) -> None:
        _answered_in_format(wl.token_response(form), oauth=True)

    run()
