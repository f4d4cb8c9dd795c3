"""Wirelane API 2.0 client for tests: the token endpoint (form-encoded, as documented) and
the organisation operations with a Bearer token. Answers are returned whole (status,
headers, JSON) so tests can check refusals as well as data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.clients.http import TIMEOUT_S

DEMO_CLIENT = ("voltra-demo", "voltra-demo-secret")
DEMO_ORGANISATION = "DEMOTENANT"
DEMO_ADMIN = ("fleet@example.com", "fleet-demo")


class Wirelane:
    def __init__(self, core_url: str) -> None:
        self.base = core_url.rstrip("/") + "/wirelane"
        self.http = httpx.Client(timeout=TIMEOUT_S)

    def close(self) -> None:
        self.http.close()

    def token_response(self, form: dict[str, str] | str, **kw: Any) -> httpx.Response:
        if isinstance(form, str):
            kw.setdefault("headers", {}).setdefault(
                "Content-Type", "application/x-www-form-urlencoded")
            return self.http.post(self.base + "/token", content=form, **kw)
        return self.http.post(self.base + "/token", data=form, **kw)

    def password_token(self, username: str = DEMO_ADMIN[0], password: str = DEMO_ADMIN[1],
                       client: tuple[str, str] = DEMO_CLIENT) -> str:
        r = self.token_response({"grant_type": "password", "client_id": client[0],
                                 "client_secret": client[1], "username": username,
                                 "password": password})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def client_token(self, client: tuple[str, str] = DEMO_CLIENT) -> str:
        r = self.token_response({"grant_type": "client_credentials", "client_id": client[0],
                                 "client_secret": client[1], "scope": "account"})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def org_path(self, path: str = "", organisation: str = DEMO_ORGANISATION) -> str:
        return f"{self.base}/apis/emc/organizations/id/{organisation}{path}"

    def request(self, method: str, path: str, token: str | None, *,
                organisation: str = DEMO_ORGANISATION, **kw: Any) -> httpx.Response:
        headers = kw.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.org_path(path, organisation), headers=headers,
                                 **kw)

    def get(self, path: str, token: str | None, params: Any = None, **kw: Any) -> httpx.Response:
        return self.request("GET", path, token, params=params, **kw)

    def ok(self, path: str, token: str, params: Any = None,
           organisation: str = DEMO_ORGANISATION) -> Any:
        r = self.get(path, token, params, organisation=organisation)
        assert r.status_code == 200, (path, params, r.status_code, r.text)
        return r.json()

    def all_pages(self, path: str, token: str, params: list[tuple[str, str]],
                  page_size: int) -> list[list[dict[str, Any]]]:
        """Every page of a list, up to the first short one."""
        pages = []
        for page in range(1, 1000):
            items = self.ok(path, token, [*params, ("page", str(page)),
                                          ("page_size", str(page_size))])
            pages.append(items)
            if len(items) < page_size:
                return pages
        raise AssertionError("more than 1000 pages")


def provision_charger(db: Path, identity: str) -> str:
    """Give the charger of a station created through the API its OCPP password, the way an
    operator does (``voltra-core charger set-password``); returns the password."""
    result = subprocess.run(
        [sys.executable, "-m", "services.core", "charger", "set-password", identity,
         "--db", str(db)], cwd=Path(__file__).resolve().parents[2], capture_output=True,
        text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
