"""Conformance: a client written from the Wirelane document alone works unchanged.

Every example request of the document (tests/data holds a verbatim copy) is sent as written
to the real core over HTTP: the four token requests (password and client credentials, the
staging and production hosts), the points request, and the request samples of creating and
updating a charge point. What the core changes is only what the document leaves to the
reader: the host (the core's ``/wirelane``), the ``...`` credentials (the demo client and
admin), and the example organisation ``dewln`` (the demo organisation DEMOTENANT).

Each answer is checked against the document: token answers carry ``access_token`` (used for
the API requests, as the document says); API answers have exactly the fields of the
document's response sample, each of the documented type.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.clients.wirelane import DEMO_ADMIN, DEMO_CLIENT, Wirelane
from tests.contract.document_examples import (
    ApiDocument,
    ExampleRunner,
    assert_every_example_has_a_case,
)
from tests.contract.wirelane import document

_REQUEST_LINE = re.compile(r"^(GET|POST|PUT) (https://\S+)$")
_BULLET = re.compile(r'^\s*• "([a-z_]+)": (.*?),?$')


def _http_examples() -> dict[str, str]:
    lines = document.text().splitlines()
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        m = _REQUEST_LINE.match(line)
        if not m:
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip():
            j += 1  # headers
        body = lines[j + 1] if m.group(1) == "POST" and j + 1 < len(lines) else ""
        url = urlsplit(m.group(2))
        grant = re.search(r"grant_type=(\w+)", body)
        name = f"{m.group(1)} {url.path}" + (f" {grant.group(1)} ({url.hostname})" if grant
                                             else "")
        out.setdefault(name, "\n".join(lines[i:j + 2]).strip())
    return out


def _request_samples() -> dict[str, str]:
    """The JSON request samples, by the operation they belong to (collapsed values left
    out, as a reader copying the page would)."""
    lines = document.text().splitlines()
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        if line != "Request samples":
            continue
        title = next(lines[k] for k in range(i, 0, -1)
                     if lines[k] in ("Create organization charge point",
                                     "Update organization charge point"))
        body: dict[str, Any] = {}
        for row in lines[i + 5:]:
            if row == "}":
                break
            m = _BULLET.match(row)
            if m and m.group(2).strip() not in ("{", "["):
                body[m.group(1)] = json.loads(m.group(2))
        out[title] = json.dumps(body)
    return out


def _examples() -> dict[str, str]:
    return {**_http_examples(), **_request_samples()}


def _request(name: str) -> str:
    """The example as ``{"method", "path", "headers", "body"}`` ready for the core."""
    example = _examples()[name]
    if name.startswith("Create"):
        return json.dumps({"method": "POST", "path": "/points", "json": json.loads(example)})
    if name.startswith("Update"):
        body = json.loads(example)
        return json.dumps({"method": "PUT", "path": f"/points/charge_point_id/"
                           f"{body['charge_point_id']}", "json": body})
    lines = example.splitlines()
    method, url = lines[0].split(" ", 1)
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    body = lines[-1] if method == "POST" else ""
    body = (body.replace("client_id=...", f"client_id={DEMO_CLIENT[0]}")
            .replace("client_secret=...", f"client_secret={DEMO_CLIENT[1]}")
            .replace("username=...", f"username={DEMO_ADMIN[0]}")
            .replace("password=...", f"password={DEMO_ADMIN[1]}"))
    parts = urlsplit(url)
    path = parts.path.replace("/organizations/id/dewln", "/organizations/id/DEMOTENANT")
    return json.dumps({"method": method, "path": path + (f"?{parts.query}" if parts.query
                                                          else ""),
                       "headers": {k: v for k, v in headers.items() if k != "Authorization"},
                       "content": body})


def _validate(request: str, answer: Any) -> None:
    sent = json.loads(request)
    status, body = answer["status"], answer["json"]
    if sent["path"] == "/token":
        assert status == 200, body
        assert body["token_type"] == "Bearer" and body["access_token"] and body["expires_in"]
    elif sent["method"] == "GET":
        assert status == 200, body
        assert isinstance(body, list) and body
        for item in body:
            document.check("point", item, ("payment_url",))
    else:
        assert status in (200, 201), body
        document.check("create_point" if sent["method"] == "POST" else "update_point", body,
                       ("payment_url",))


DOCUMENT = ApiDocument(name="Wirelane API 2.0", examples=_examples, request=_request,
                       validate=_validate)
CASES = ["POST /token password (oauth-staging.emobilitycloud.com)",
         "POST /token password (oauth.emobilitycloud.com)",
         "POST /token client_credentials (oauth-staging.emobilitycloud.com)",
         "POST /token client_credentials (oauth.emobilitycloud.com)",
         "GET /apis/emc/organizations/id/dewln/points",
         "Create organization charge point", "Update organization charge point"]


@pytest.fixture(scope="module")
def runner(wl: Wirelane) -> ExampleRunner:
    def send(request: str, _variables: dict[str, Any], token: str | None) -> dict[str, Any]:
        sent = json.loads(request)
        if sent["path"] == "/token":
            r = wl.http.post(wl.base + "/token", content=sent["content"],
                             headers=sent["headers"])
        else:
            headers = {**sent.get("headers", {}), "Authorization": f"Bearer {token}"}
            path = sent["path"].replace("/apis/emc/organizations/id/DEMOTENANT", "")
            r = wl.http.request(sent["method"], wl.org_path(path.split("?")[0]),
                                params=httpx.QueryParams(path.split("?", 1)[1])
                                if "?" in path else None,
                                headers=headers, json=sent.get("json"))
        return {"status": r.status_code, "json": r.json()}

    return ExampleRunner(DOCUMENT, send)


def test_every_example_has_a_case() -> None:
    assert_every_example_has_a_case(DOCUMENT, CASES)


@pytest.mark.parametrize("name", CASES[:4])
def test_token_examples(runner: ExampleRunner, wl: Wirelane, name: str) -> None:
    token = runner.run(name)["json"]["access_token"]
    # "use it in the API requests": the admin's token reads points, the client's does not
    expected = 200 if "password" in name else 403
    assert wl.get("/points", token).status_code == expected


def test_points_example(runner: ExampleRunner, admin: str) -> None:
    points = runner.run(CASES[4], token=admin)["json"]
    assert len(points) == 50  # page_size=50 as in the example


def test_create_and_update_samples(runner: ExampleRunner, admin: str) -> None:
    created = runner.run(CASES[5], token=admin)
    assert created["status"] == 201
    sample = json.loads(_examples()[CASES[5]])
    point = created["json"]
    for key in ("charging_station_id", "charge_point_id", "evseid", "display_id", "power",
                "voltage", "current", "reservable", "city", "zip_code", "street",
                "house_number", "timezone", "latitude", "longitude", "model",
                "serial_number", "country"):
        assert point[key] == sample[key], key
    assert point["service_hotline"] == str(sample["service_hotline"])
    assert point["status"] == "UNKNOWN"  # the charger reports status, the body does not
    updated = runner.run(CASES[6], token=admin)
    assert updated["status"] == 200 and updated["json"]["id"] == point["id"]
