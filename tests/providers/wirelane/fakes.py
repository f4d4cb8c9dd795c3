"""What the Wirelane provider tests share: a provider on a fake base URL with instant
retries, access tokens signed like the server's (claims readable, key random)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs

import httpx
from joserfc import jwt
from joserfc.jwk import OctKey

from services.http import RetryPolicy
from services.models import Coordinates, Credentials, SearchQuery
from services.providers.wirelane import WirelaneProvider

BASE = "https://wirelane.invalid/wirelane"
TOKEN_URL = BASE + "/token"
ORG = "DEMOTENANT"
POINTS = f"{BASE}/apis/emc/organizations/id/{ORG}/points"
SECRET = "client-secret-value-42"
PASSWORD = "fleet-password-99"
ADMIN = Credentials(username="fleet@example.com", password=PASSWORD)
BERLIN = SearchQuery(centre=Coordinates(latitude=52.52, longitude=13.405), radius_km=5)
_KEY = OctKey.generate_key(256)


def access_token(n: int = 1, **claims) -> str:
    body = {"sub": "user-1", "organization_id": ORG, "scope": "account_admin", "n": n, **claims}
    return jwt.encode({"alg": "HS256"}, body, _KEY)


def token_answer(n: int = 1, expires_in: int = 3600) -> httpx.Response:
    return httpx.Response(
        200,
        json={"access_token": access_token(n), "token_type": "Bearer", "expires_in": expires_in},
    )


class Sleeps:
    def __init__(self):
        self.delays = []

    async def __call__(self, delay):
        self.delays.append(delay)


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def provider(sleeps: Sleeps | None = None, clock=time.time, **kw) -> WirelaneProvider:
    return WirelaneProvider(
        BASE,
        client_id="voltra-test",
        client_secret=SECRET,
        retry=RetryPolicy(sleep=sleeps or Sleeps()),
        clock=clock,
        **kw,
    )


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
