"""``voltra-core api-key {create,list,revoke}``: credentials of partner API clients.

A new secret is printed once and never stored (only its HMAC and a short prefix are);
``list`` shows the prefix, never the secret.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from services.core.domain.errors import DomainError
from services.core.domain.partners import APIS, ROLES, Credential, Partner
from services.core.services import partners
from services.core.store.db import connect, default_db_path, migrate

HELP = "create, list and revoke partner API keys and OAuth clients"


def add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    create = commands.add_parser(
        "create", help="create a key (an OAuth client for wirelane) and print it once",
        description="Create an API key for the partner NAME of an API (the partner is created "
        "on its first key). For wirelane an OAuth client (client id + secret) is created. "
        "The secret is printed once: store it then.")
    create.add_argument("--api", required=True, choices=APIS)
    create.add_argument("--name", required=True, help="the partner's name")
    create.add_argument("--role", choices=ROLES, help="plugsurfing only (required there)")
    create.add_argument("--organisation",
                        help="what the partner represents: the organisation id for wirelane "
                        "(required there, e.g. DEMOTENANT); for ampeco and a plugsurfing cpo an "
                        "operator's name or party id links that operator's data")
    _db_option(create)
    create.set_defaults(run=_create)

    listing = commands.add_parser("list", help="list credentials (never their secrets)")
    listing.add_argument("--api", choices=APIS, help="only this API's credentials")
    listing.add_argument("--json", action="store_true", help="one JSON array instead of a table")
    _db_option(listing)
    listing.set_defaults(run=_list)

    revoke = commands.add_parser("revoke", help="revoke a credential by the id `list` shows")
    revoke.add_argument("id", help="the credential's id (first column of `list`)")
    _db_option(revoke)
    revoke.set_defaults(run=_revoke)


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help=f"SQLite database file (default {default_db_path()})")  # fmt: skip


def _open(args: argparse.Namespace, must_exist: bool) -> sqlite3.Connection:
    path = args.db or default_db_path()
    if must_exist and not Path(path).is_file():
        raise _Refused(f"db: no database at {path}")
    conn = connect(path)
    migrate(conn)
    return conn


class _Refused(Exception):
    pass


def _create(args: argparse.Namespace) -> int:
    conn = _open(args, must_exist=False)
    try:
        new = partners.create_credential(conn, args.api, args.name, role=args.role,
                                         organisation=args.organisation)  # fmt: skip
    finally:
        conn.close()
    cred = new.credential
    print(f"Created {args.api} {'OAuth client' if cred.client_id else 'API key'} "
          f"for partner {new.partner.name!r}.")
    print(f"id:            {cred.public_id}")
    if cred.client_id:
        print(f"client_id:     {cred.client_id}")
        print(f"client_secret: {new.secret}")
    else:
        print(f"key:           {new.secret}")
    print(f"Shown once: store it now. Only its prefix ({cred.prefix}) is kept.")
    return 0


def _list(args: argparse.Namespace) -> int:
    conn = _open(args, must_exist=True)
    try:
        rows = partners.list_credentials(conn, args.api)
    finally:
        conn.close()
    records = [_record(c, p) for c, p in rows]
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    columns = ("id", "prefix", "client_id", "api", "name", "role", "created", "last_used",
               "revoked")  # fmt: skip
    table = [[c.upper().replace("_", " ") for c in columns]]
    table += [[_short(r[c]) for c in columns] for r in records]
    widths = [max(len(row[i]) for row in table) for i in range(len(columns))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if not records:
        print("(no credentials)")
    return 0


def _record(c: Credential, p: Partner) -> dict[str, str | None]:
    return {"id": c.public_id, "prefix": c.prefix + "…", "client_id": c.client_id,
            "api": p.api, "name": p.name, "role": p.role, "organisation": p.organisation,
            "demo": "yes" if p.demo else None, "created": c.created_at,
            "last_used": c.last_used_at, "revoked": c.revoked_at}  # fmt: skip


def _short(value: str | None) -> str:
    if value is None:
        return "-"
    # ISO timestamps to the minute: enough to tell keys apart, fits a terminal.
    if len(value) == 24 and value.endswith("Z") and value[10] == "T":
        return value[:16].replace("T", " ")
    return value


def _revoke(args: argparse.Namespace) -> int:
    conn = _open(args, must_exist=True)
    try:
        before = partners.find_credential(conn, args.id)
        cred = partners.revoke_credential(conn, args.id)
    finally:
        conn.close()
    if before is not None and before.revoked:
        print(f"Credential {cred.public_id} was already revoked at {cred.revoked_at}.")
    else:
        print(f"Revoked credential {cred.public_id} ({cred.prefix}…).")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the chosen command; input errors print ``voltra-core api-key: field: reason``."""
    try:
        return args.run(args)
    except (DomainError, _Refused) as exc:
        print(f"voltra-core api-key {args.command}: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        print(f"voltra-core api-key {args.command}: cannot use database: {exc}",
              file=sys.stderr)  # fmt: skip
        return 2
