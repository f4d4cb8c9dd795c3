"""What the OIOI contract tests share: the demo OEM key's client on the session core, users
made through the API, ids the API itself reports (the way a client written from the
document finds them), and fresh RFID UIDs."""

from __future__ import annotations

import secrets
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

from tests.clients.plugsurfing import Oioi, user_ref

DRIVER = ("driver@example.com", "driver-demo")
TEST1 = ("test1@plugsurfing.com", "test")
TEST2 = ("test2@plugsurfing.com", "test")
PASSWORD = "Oioi-contract-7"
# A box around Berlin's centre holding demo stations.
BERLIN_BOX = {"min-lat": 52.40, "max-lat": 52.62, "min-long": 13.20, "max-long": 13.60}


def fresh_uid(length: int = 14) -> str:
    return secrets.token_hex(length // 2).upper()


@dataclass
class User:
    email: str
    password: str
    token: str
    evco: str | None = None

    def ref(self, kind: str = "username") -> dict[str, Any]:
        ident = {"username": self.email, "evco-id": self.evco}[kind]
        return user_ref(ident, self.token, kind)


def register(oioi: Oioi, prefix: str = "oioi") -> User:
    email = f"{prefix}-{uuidlib.uuid4().hex[:10]}@example.com"
    body = oioi.ok("user-register", {"username": email, "email": email,
                                     "password": PASSWORD, "language": "en"})
    return User(email, PASSWORD, body["user"]["token"], body["user"]["evco-id"])


def sign_in(oioi: Oioi, creds: tuple[str, str]) -> User:
    return User(creds[0], creds[1], oioi.sign_in(*creds))


def berlin_stations(oioi: Oioi) -> list[dict[str, Any]]:
    stations = oioi.ok("station-get-surface", BERLIN_BOX)["stations"]
    assert stations, "the demo data has stations around Berlin"
    return stations
