"""Partners, their credentials and members, and the database's partner keys (migration 7)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable

from services.core.domain.partners import Credential, Partner, Principal
from services.core.store.db import transaction, utcnow

_PARTNER_COLS = "id, uuid, api, name, role, organisation, operator_id, demo, created_at"
_CREDENTIAL_COLS = ("id, public_id, partner_id, kind, client_id, prefix, scopes, created_at,"
                    " last_used_at, revoked_at")  # fmt: skip
_PRINCIPAL_SQL = (
    "SELECT p.id AS partner_id, p.uuid, p.api, p.name, p.role, p.organisation, p.operator_id,"
    " c.id AS credential_id, c.public_id, c.client_id, c.scopes, c.secret_hash,"
    " c.last_used_at FROM partner_credentials c JOIN partners p ON p.id = c.partner_id"
    " WHERE c.revoked_at IS NULL AND "
)


def _partner(row: sqlite3.Row) -> Partner:
    return Partner(row["id"], row["uuid"], row["api"], row["name"], row["role"],
                   row["organisation"], row["operator_id"], bool(row["demo"]),
                   row["created_at"])  # fmt: skip


def _credential(row: sqlite3.Row) -> Credential:
    return Credential(row["id"], row["public_id"], row["partner_id"], row["kind"],
                      row["client_id"], row["prefix"], tuple(row["scopes"].split()),
                      row["created_at"], row["last_used_at"], row["revoked_at"])  # fmt: skip


def principal_from_row(row: sqlite3.Row) -> Principal:
    return Principal(row["partner_id"], row["uuid"], row["api"], row["name"], row["role"],
                     row["organisation"], row["operator_id"], row["credential_id"],
                     row["public_id"], row["client_id"], tuple(row["scopes"].split()))  # fmt: skip


# ------------------------------------------------------------------ partners


def find_partner(conn: sqlite3.Connection, api: str, name: str) -> Partner | None:
    row = conn.execute(f"SELECT {_PARTNER_COLS} FROM partners WHERE api = ? AND name = ?",
                       (api, name)).fetchone()  # fmt: skip
    return _partner(row) if row else None


def partner_for_organisation(conn: sqlite3.Connection, api: str,
                             organisation: str | None) -> Partner | None:  # fmt: skip
    if organisation is None:
        return None
    row = conn.execute(f"SELECT {_PARTNER_COLS} FROM partners WHERE api = ? AND organisation = ?",
                       (api, organisation)).fetchone()  # fmt: skip
    return _partner(row) if row else None


def partner_by_id(conn: sqlite3.Connection, partner_id: int) -> Partner | None:
    row = conn.execute(f"SELECT {_PARTNER_COLS} FROM partners WHERE id = ?",
                       (partner_id,)).fetchone()  # fmt: skip
    return _partner(row) if row else None


def insert_partner(conn: sqlite3.Connection, api: str, name: str, *, role: str | None = None,
                   organisation: str | None = None, operator_id: int | None = None,
                   demo: bool = False, partner_uuid: str | None = None,
                   created_at: str | None = None) -> Partner:  # fmt: skip
    cur = conn.execute(
        "INSERT INTO partners(uuid, api, name, role, organisation, operator_id, demo,"
        " created_at) VALUES (?,?,?,?,?,?,?,?)",
        (partner_uuid or str(uuid.uuid4()), api, name, role, organisation, operator_id,
         int(demo), created_at or utcnow()),
    )  # fmt: skip
    partner = partner_by_id(conn, int(cur.lastrowid))
    assert partner is not None
    return partner


def operator_named(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute("SELECT id FROM operators WHERE name = ? OR party_id = ? ORDER BY id"
                       " LIMIT 1", (name, name)).fetchone()  # fmt: skip
    return None if row is None else int(row[0])


# ------------------------------------------------------------------ credentials


def insert_credential(conn: sqlite3.Connection, partner_id: int, *, public_id: str, kind: str,
                      secret_hash: str, prefix: str, client_id: str | None = None,
                      scopes: tuple[str, ...] = (),
                      created_at: str | None = None) -> Credential:  # fmt: skip
    cur = conn.execute(
        "INSERT INTO partner_credentials(public_id, partner_id, kind, client_id, secret_hash,"
        " prefix, scopes, created_at) VALUES (?,?,?,?,?,?,?,?)",
        (public_id, partner_id, kind, client_id, secret_hash, prefix, " ".join(scopes),
         created_at or utcnow()),
    )  # fmt: skip
    row = conn.execute(f"SELECT {_CREDENTIAL_COLS} FROM partner_credentials WHERE id = ?",
                       (cur.lastrowid,)).fetchone()  # fmt: skip
    return _credential(row)


def credential_by_public_id(conn: sqlite3.Connection, public_id: str) -> Credential | None:
    row = conn.execute(f"SELECT {_CREDENTIAL_COLS} FROM partner_credentials WHERE public_id = ?",
                       (public_id,)).fetchone()  # fmt: skip
    return _credential(row) if row else None


def live_by_hash(conn: sqlite3.Connection, api: str, secret_hash: str) -> sqlite3.Row | None:
    """The unrevoked API key with this hash, if it belongs to a partner of ``api``."""
    return conn.execute(_PRINCIPAL_SQL + "c.secret_hash = ? AND p.api = ? AND c.kind = 'api_key'",
                        (secret_hash, api)).fetchone()  # fmt: skip


def live_by_client_id(conn: sqlite3.Connection, client_id: str) -> sqlite3.Row | None:
    return conn.execute(_PRINCIPAL_SQL + "c.client_id = ?", (client_id,)).fetchone()


def list_credentials(conn: sqlite3.Connection,
                     api: str | None = None) -> list[tuple[Credential, Partner]]:  # fmt: skip
    rows = conn.execute(
        "SELECT c.id, c.public_id, c.partner_id, c.kind, c.client_id, c.prefix, c.scopes,"
        " c.created_at, c.last_used_at, c.revoked_at, p.id AS pid, p.uuid, p.api, p.name,"
        " p.role, p.organisation, p.operator_id, p.demo, p.created_at AS p_created"
        " FROM partner_credentials c JOIN partners p ON p.id = c.partner_id"
        " WHERE ? IS NULL OR p.api = ? ORDER BY c.created_at, c.id",
        (api, api),
    ).fetchall()
    return [(_credential(r), Partner(r["pid"], r["uuid"], r["api"], r["name"], r["role"],
                                     r["organisation"], r["operator_id"], bool(r["demo"]),
                                     r["p_created"]))
            for r in rows]  # fmt: skip


def revoke(conn: sqlite3.Connection, credential_id: int, when: str) -> None:
    conn.execute("UPDATE partner_credentials SET revoked_at = ? WHERE id = ?"
                 " AND revoked_at IS NULL", (when, credential_id))  # fmt: skip


def touch(conn: sqlite3.Connection, credential_id: int, when: str) -> None:
    conn.execute("UPDATE partner_credentials SET last_used_at = ? WHERE id = ?",
                 (when, credential_id))  # fmt: skip


# ------------------------------------------------------------------ members


def add_member(conn: sqlite3.Connection, partner_id: int, user_id: int,
               admin: bool = False, created_at: str | None = None) -> None:  # fmt: skip
    conn.execute(
        "INSERT INTO partner_members(partner_id, user_id, admin, created_at) VALUES (?,?,?,?)"
        " ON CONFLICT(partner_id, user_id) DO UPDATE SET admin = excluded.admin",
        (partner_id, user_id, int(admin), created_at or utcnow()),
    )


def remove_member(conn: sqlite3.Connection, partner_id: int, user_id: int) -> None:
    conn.execute("DELETE FROM partner_members WHERE partner_id = ? AND user_id = ?",
                 (partner_id, user_id))  # fmt: skip


def member_ids(conn: sqlite3.Connection, partner_id: int) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT user_id FROM partner_members WHERE partner_id = ? ORDER BY user_id",
        (partner_id,))]  # fmt: skip


def member_ids_page(conn: sqlite3.Connection, partner_id: int, offset: int, limit: int
                    ) -> tuple[list[int], int]:  # fmt: skip
    """(user ids of one page of the partner's members by user id, how many members)."""
    total = conn.execute("SELECT COUNT(*) FROM partner_members WHERE partner_id = ?",
                         (partner_id,)).fetchone()[0]  # fmt: skip
    ids = [r[0] for r in conn.execute(
        "SELECT user_id FROM partner_members WHERE partner_id = ? ORDER BY user_id"
        " LIMIT ? OFFSET ?", (partner_id, limit, offset))]  # fmt: skip
    return ids, int(total)


def membership(conn: sqlite3.Connection, partner_id: int, user_id: int) -> bool | None:
    """None: not a member; else whether the member is an admin."""
    row = conn.execute("SELECT admin FROM partner_members WHERE partner_id = ? AND user_id = ?",
                       (partner_id, user_id)).fetchone()  # fmt: skip
    return None if row is None else bool(row[0])


def owner_is_member(conn: sqlite3.Connection, partner_id: int, table: str, row_id: int) -> bool:
    """Whether the row ``row_id`` of ``cards`` or ``sessions`` belongs to a member."""
    if table not in ("cards", "sessions"):
        raise ValueError(f"table: {table!r} has no owner column known here")
    return conn.execute(
        f"SELECT 1 FROM {table} t JOIN partner_members m ON m.user_id = t.user_id"
        " WHERE t.id = ? AND m.partner_id = ?", (row_id, partner_id)).fetchone() is not None


# ------------------------------------------------------------------ keys of the database


def key(conn: sqlite3.Connection, name: str, make: Callable[[], str]) -> str:
    """The database's key ``name``; ``make()`` creates it on first use. Concurrent first
    uses agree: the first insert wins and everyone reads it back."""
    row = conn.execute("SELECT value FROM partner_keys WHERE name = ?", (name,)).fetchone()
    if row is None:
        with transaction(conn):
            conn.execute("INSERT OR IGNORE INTO partner_keys(name, value, created_at)"
                         " VALUES (?,?,?)", (name, make(), utcnow()))  # fmt: skip
        row = conn.execute("SELECT value FROM partner_keys WHERE name = ?", (name,)).fetchone()
    return row[0]
