"""Bank details are sealed at rest with a key kept outside the database: the raw database
file never contains an IBAN, the API still shows it to its owner, and databases written
before sealing are converted by the migration."""

from __future__ import annotations

import os
import stat
import uuid

import pytest
from cryptography.fernet import Fernet

from services.core.domain import field_crypto
from services.core.domain.contracts import SEPA_OPTION
from services.core.store import db as store_db
from services.core.store.db import connect, migrate, schema_version, utcnow
from services.settings import get_settings
from tests.contract.beenergised.accounts import login, new_user, rate_option

BANK_ACCOUNT = "query { bankAccount { iban bic bank accountHolder } }"
CREATE_SEPA = """mutation createSepaContract($sepaContract: creatingSepaContract) {
  createSepaContract(sepaContract: $sepaContract) { status } }"""
IBAN = "DE89370400440532013000"


def _raw(path) -> bytes:
    data = b""
    for suffix in ("", "-wal"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            data += part.read_bytes()
    return data


def test_the_database_file_holds_no_iban(gql, core_db):
    driver = login(gql, "driver@example.com", "driver-demo")["sessionToken"]
    demo = gql.data(BANK_ACCOUNT, token=driver)["bankAccount"]
    assert demo["iban"] and demo["iban"].startswith("DE") and demo["accountHolder"]
    raw = _raw(core_db)
    assert demo["iban"].encode() not in raw


def test_a_new_contract_is_sealed_and_read_back(gql, core_db):
    conn = connect(core_db)
    try:
        rate = rate_option(conn)["uuid"]
    finally:
        conn.close()
    token, _ = new_user(gql, "sepa")
    holder = f"Holder {uuid.uuid4().hex[:8]}"
    sepa = {"id": SEPA_OPTION, "rateId": rate, "iban": IBAN, "bic": "COBADEFFXXX",
            "bank": "Commerzbank", "debitType": "CORE", "accountHolder": holder,
            "useParent": False}
    out = gql.data(CREATE_SEPA, {"sepaContract": sepa}, token=token)["createSepaContract"]
    assert out["status"] == "success", out
    shown = gql.data(BANK_ACCOUNT, token=token)["bankAccount"]
    assert shown["iban"] == IBAN and shown["accountHolder"] == holder
    assert holder.encode() not in _raw(core_db)
    # updating re-seals the new values
    update = """mutation u($updateSepaContract: updatingSepaContract) {
      updateSepaContract(updateSepaContract: $updateSepaContract) { status } }"""
    new_holder = f"Other {uuid.uuid4().hex[:8]}"
    changed = gql.data(update, {"updateSepaContract": {
        "id": SEPA_OPTION, "iban": "GB82 WEST 1234 5698 7654 32", "bic": "WESTGB2L",
        "accountHolder": new_holder}}, token=token)["updateSepaContract"]
    assert changed["status"] == "success", changed
    shown = gql.data(BANK_ACCOUNT, token=token)["bankAccount"]
    assert shown["iban"] == "GB82WEST12345698765432" and shown["accountHolder"] == new_holder
    raw = _raw(core_db)
    assert b"GB82WEST12345698765432" not in raw and new_holder.encode() not in raw


def test_migration_seals_rows_written_before(tmp_path, monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(field_crypto.ENV_KEY, key)
    path = tmp_path / "old.sqlite3"
    conn = connect(path)
    monkeypatch.setattr(store_db, "MIGRATIONS", [m for m in store_db.MIGRATIONS if m[0] < 7])
    migrate(conn)
    conn.execute("INSERT INTO users(uuid, email, password_hash, created_at)"
                 " VALUES ('u-old', 'old@example.com', 'x', ?)", (utcnow(),))
    conn.execute("INSERT INTO contracts(uuid, user_id, kind, iban, bic, account_holder,"
                 " status, created_at) VALUES ('c-old', 1, 'SEPA', ?, 'COBADEFFXXX',"
                 " 'Olga Old', 'ACTIVE', ?)", (IBAN, utcnow()))
    conn.close()
    assert IBAN.encode() in _raw(path)  # the premise: written in plain text
    monkeypatch.undo()
    monkeypatch.setenv(field_crypto.ENV_KEY, key)
    conn = connect(path)
    migrate(conn)
    assert schema_version(conn) >= 7
    row = conn.execute("SELECT iban, account_holder FROM contracts").fetchone()
    assert row["iban"].startswith(field_crypto.PREFIX)
    assert field_crypto.reveal(row["iban"]) == IBAN
    assert field_crypto.reveal(row["account_holder"]) == "Olga Old"
    conn.close()
    raw = _raw(path)
    assert IBAN.encode() not in raw and b"Olga Old" not in raw



@pytest.fixture(autouse=True)
def _fresh_settings():
    # The process reads its environment once; these tests change it on purpose.
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _setenv(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_key_file_is_created_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(field_crypto.ENV_KEY, raising=False)
    get_settings.cache_clear()
    _setenv(monkeypatch, field_crypto.ENV_KEY_FILE, str(tmp_path / "cfg" / "data.key"))
    sealed = field_crypto.seal(IBAN)
    key_file = tmp_path / "cfg" / "data.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert sealed != IBAN and field_crypto.reveal(sealed) == IBAN
    assert field_crypto.seal(sealed) == sealed  # sealing twice is harmless
    # a different key cannot open it, and says which key it tried
    _setenv(monkeypatch, field_crypto.ENV_KEY_FILE, str(tmp_path / "other.key"))
    with pytest.raises(field_crypto.DataKeyError, match=r"other\.key"):
        field_crypto.reveal(sealed)


def test_a_malformed_environment_key_is_named(monkeypatch):
    _setenv(monkeypatch, field_crypto.ENV_KEY, "not-a-key")
    with pytest.raises(field_crypto.DataKeyError, match=field_crypto.ENV_KEY):
        field_crypto.seal(IBAN)
