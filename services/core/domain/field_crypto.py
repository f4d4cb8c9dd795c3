"""Sensitive account fields sealed at rest (Fernet: AES-128-CBC + HMAC-SHA256, from the
``cryptography`` package).

The key never lives in the database file, so a copied or leaked ``core.sqlite3`` does not
reveal bank details. Where it comes from, first match wins:

1. ``VOLTRA_DATA_KEY``: a Fernet key (``Fernet.generate_key()``, url-safe base64 of 32
   bytes), for servers whose secrets come from the environment;
2. ``VOLTRA_DATA_KEY_FILE``, else ``data.key`` in the platformdirs user config dir
   (``~/.config/voltra/`` on Linux): created on first use with permissions 0600.

The OS keyring is not used: the core is a background server (kiosks, headless machines,
test runs) where no unlocked desktop keyring can be assumed. Losing the key loses the sealed
fields (the rest of the database stays readable); back it up with the database.

Sealed values carry the prefix ``enc1:`` so a row can be told apart from one written before
sealing existed (``seal_existing`` converts those, run by store migration 7).
"""

from __future__ import annotations

import functools
import os
import sqlite3
from pathlib import Path

import platformdirs
from cryptography.fernet import Fernet, InvalidToken

from services.settings import get_settings

PREFIX = "enc1:"
ENV_KEY = "VOLTRA_DATA_KEY"
ENV_KEY_FILE = "VOLTRA_DATA_KEY_FILE"

# (table, columns) holding sealed values.
SEALED_COLUMNS: dict[str, tuple[str, ...]] = {"contracts": ("iban", "account_holder")}


class DataKeyError(RuntimeError):
    """The data key is unusable (malformed, or a sealed value was written with another)."""


def key_path() -> Path:
    configured = get_settings().data_key_file
    if configured:
        return configured
    return platformdirs.user_config_path("voltra") / "data.key"


def _read_or_create(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        # O_EXCL: two cores starting at once must not each write a different key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


@functools.cache
def _fernet(env_key: str | None, path: str) -> Fernet:
    raw = env_key.encode() if env_key else _read_or_create(Path(path))
    try:
        return Fernet(raw)
    except ValueError:
        source = ENV_KEY if env_key else path
        raise DataKeyError(f"{source}: not a Fernet key (url-safe base64 of 32 bytes)") from None


def fernet() -> Fernet:
    """The data key as a Fernet; read once per (environment, path)."""
    key = get_settings().data_key
    return _fernet(key.get_secret_value() if key else None, str(key_path()))


def seal(value: str | None) -> str | None:
    if value is None or value.startswith(PREFIX):
        return value
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def reveal(value: str | None) -> str | None:
    if value is None or not value.startswith(PREFIX):
        return value
    try:
        return fernet().decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DataKeyError(
            f"a sealed field does not open with the data key at {key_path()} (or {ENV_KEY});"
            " was the database copied from another machine without its key?"
        ) from None


def seal_existing(conn: sqlite3.Connection) -> int:
    """Seal every plain value of ``SEALED_COLUMNS``; returns how many rows changed."""
    # Overwrite the freed plain text instead of leaving it in unused page space.
    conn.execute("PRAGMA secure_delete = ON")
    changed = 0
    for table, columns in SEALED_COLUMNS.items():
        plain = " OR ".join(f"({c} IS NOT NULL AND {c} NOT LIKE '{PREFIX}%')" for c in columns)
        rows = conn.execute(f"SELECT id, {', '.join(columns)} FROM {table} WHERE {plain}")
        for row in rows.fetchall():
            sets = ", ".join(f"{c} = ?" for c in columns)
            conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?",
                         (*(seal(row[c]) for c in columns), row["id"]))
            changed += 1
    return changed
