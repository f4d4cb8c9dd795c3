"""``voltra-core member {add,remove,list}``: the users a partner may see, and the
administrators of a Wirelane organisation (who sign in with the password grant)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from services.core.domain.errors import DomainError
from services.core.domain.partners import APIS
from services.core.services import partner_members
from services.core.store.db import connect, default_db_path, migrate

HELP = "add, remove and list the members (and organisation admins) of a partner"


def add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = commands.add_parser("add", help="make a user a member of a partner",
                              description="Make the user with EMAIL a member of the partner "
                              "NAME (as `api-key create --name` named it); --admin lets a "
                              "Wirelane member sign in for the organisation.")
    _common(add)
    add.add_argument("--email", required=True)
    add.add_argument("--admin", action="store_true", help="an administrator (wirelane)")
    add.set_defaults(run=_add)
    remove = commands.add_parser("remove", help="remove a user from a partner's members")
    _common(remove)
    remove.add_argument("--email", required=True)
    remove.set_defaults(run=_remove)
    listing = commands.add_parser("list", help="list a partner's members")
    _common(listing)
    listing.set_defaults(run=_list)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", required=True, choices=APIS)
    parser.add_argument("--partner", required=True, help="the partner's name")
    parser.add_argument("--db", type=Path, default=None,
                        help=f"SQLite database file (default {default_db_path()})")


def _open(args: argparse.Namespace) -> sqlite3.Connection:
    path = args.db or default_db_path()
    if not Path(path).is_file():
        raise DomainError(f"db: no database at {path}", field="db")
    conn = connect(path)
    migrate(conn)
    return conn


def _add(args: argparse.Namespace) -> int:
    conn = _open(args)
    try:
        partner_members.add(conn, args.api, args.partner, args.email, args.admin)
    finally:
        conn.close()
    print(f"{args.email} is a{'n admin' if args.admin else ''} member of {args.partner!r}.")
    return 0


def _remove(args: argparse.Namespace) -> int:
    conn = _open(args)
    try:
        partner_members.remove(conn, args.api, args.partner, args.email)
    finally:
        conn.close()
    print(f"{args.email} is no longer a member of {args.partner!r}.")
    return 0


def _list(args: argparse.Namespace) -> int:
    conn = _open(args)
    try:
        rows = partner_members.listing(conn, args.api, args.partner)
    finally:
        conn.close()
    for row in rows:
        print(f"{row['email']}  {'admin' if row['admin'] else 'member'}  {row['state']}")
    if not rows:
        print("(no members)")
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        return args.run(args)
    except DomainError as exc:
        print(f"voltra-core member {args.command}: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        print(f"voltra-core member {args.command}: cannot use database: {exc}", file=sys.stderr)
        return 2
