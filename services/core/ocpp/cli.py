"""voltra-core charger set-password ID: provision a real charger's Basic auth password.

By default a random password is generated and printed once; ``--stdin`` reads one instead
(an operator's own, 16-40 printable characters). Only its hash is stored. The charger is
then configured with ``AuthorizationKey`` = that password and connects to
``ws(s)://HOST:PORT/ocpp/ID`` with HTTP Basic auth ``ID:password``; a connection it already
has keeps running until it reconnects.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.core.ocpp import credentials
from services.core.store.db import connect, default_db_path, migrate, transaction


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="voltra-core charger", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("set-password", help="set a charger's Basic auth password")
    sp.add_argument("identity", help="the charger's identity (its station id, Cp.id)")
    sp.add_argument("--db", type=Path, default=None,
                    help=f"SQLite database file (default {default_db_path()})")
    sp.add_argument("--stdin", action="store_true",
                    help="read the password from standard input instead of generating one")
    args = p.parse_args(argv)
    if args.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        problem = credentials.password_problem(password)
        if problem:
            print(f"voltra-core charger: {problem}", file=sys.stderr)
            return 2
        stored = credentials.hash_typed_password(password)
    else:
        password = credentials.generate_password()
        stored = credentials.hash_machine_secret(password)
    conn = connect(args.db or default_db_path())
    try:
        migrate(conn)
        with transaction(conn):
            found = conn.execute(
                "UPDATE stations SET ocpp_password_hash = ? WHERE uuid = ?",
                (stored, args.identity),
            ).rowcount
    finally:
        conn.close()
    if not found:
        print(f"voltra-core charger: identity: no station {args.identity!r}", file=sys.stderr)
        return 2
    if not args.stdin:
        print(password, flush=True)  # shown once; only the hash is kept
    print(f"voltra-core charger: password of {args.identity} set", file=sys.stderr)
    return 0
