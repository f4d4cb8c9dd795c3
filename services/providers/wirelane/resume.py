"""What a remembered Wirelane login keeps to get a new token after the app restarts.

The documented token endpoint issues no refresh token: a new access token takes the
password grant again, with the app's OAuth client (``client_id``, ``client_secret``) and the
admin's ``username`` and ``password``. So the token that resumes a Wirelane login is this
key: the client and the password, or a refresh token instead of the password where a
server does issue one. It is handed only to the login-token listener, which keeps it in the
OS keyring (``services.credentials``), never in a plain file.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, Field, ValidationError

from services.http import register_secret

KIND = "wirelane-resume-v1"


class ResumeKey(BaseModel):
    kind: str = KIND
    client_id: str
    client_secret: str = Field(repr=False)
    password: str | None = Field(default=None, repr=False)
    refresh_token: str | None = Field(default=None, repr=False)

    def pack(self) -> str:
        packed = self.model_dump_json(exclude_none=True)
        register_secret(packed)  # the whole key is a secret wherever it is logged
        return packed


def unpack(token: str) -> ResumeKey | None:
    """The key in ``token``, or None when ``token`` is a plain refresh token."""
    try:
        raw = json.loads(token)
    except ValueError:
        return None
    if not isinstance(raw, dict) or raw.get("kind") != KIND:
        return None
    try:
        key = ResumeKey.model_validate(raw)
    except ValidationError:
        return None
    for secret in (key.client_secret, key.password, key.refresh_token):
        register_secret(secret)
    return key
