"""``voltra-core offer {list,set,clear}``: what each API (or one partner of it) sells, and at
what price (``services.core.domain.offers``). A running core sees a change on its next
request."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from services.core.domain import currencies
from services.core.domain.errors import DomainError
from services.core.domain.offers import APIS, PRICE_FIELDS, Box, Coverage, Offer, Pricing
from services.core.services import offers
from services.core.store import offers as offer_store
from services.core.store import partners as partner_store
from services.core.store.db import connect, default_db_path, migrate

HELP = "list, set and clear the offers: which stations each API sells, at what price"

# The argument that carries each field the domain checks, so its errors name the argument.
_ARGUMENT = {"api": "--api", "name": "--name", "markup_percent": "--markup",
             "regions": "--region", "currency": "--currency",
             **{f: "--" + f.replace("_", "-") for f in PRICE_FIELDS}}
_PRICE_LABELS = {"start_fee": "start fee", "per_kwh": "per kWh", "per_minute": "per minute",
                 "parking_per_minute": "parking per minute"}


_SHOWN = 5  # station uuids the text listing names before it says how many more (--json: all)


class _Refused(Exception):
    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(f"{argument}: {reason}")


def add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser(
        "list", help="each API's offers: coverage and prices",
        description="For each API: its own offer and its partners' offers, which stations "
        "they cover (operators, regions, stations, how many) and their prices. An API "
        "without an offer sells every station at its base price.")
    listing.add_argument("--api", choices=APIS, help="only this API")
    listing.add_argument("--json", action="store_true", help="one JSON array instead of text")
    _db_option(listing)
    listing.set_defaults(run=_list)

    setting = commands.add_parser(
        "set", help="give an API (or one partner of it) its offer",
        description="Make this the offer of --api (or of its partner --partner), replacing "
        "the one it had. Coverage: --everything, or any of --operator, --region, --station "
        "(each may repeat), minus --exclude-operator. Prices derive from each station's "
        "tariff raised by --markup percent; a fixed price (--start-fee, --per-kwh, "
        "--per-minute, --parking-per-minute, in --currency) replaces the station's where "
        "the station bills in that currency.")
    _audience(setting)
    setting.add_argument("--name", required=True, help="the offer's name (the rate drivers see)")
    setting.add_argument("--everything", action="store_true", help="cover every station")
    setting.add_argument("--operator", action="append", default=[], metavar="OPERATOR",
                         help="cover an operator's stations (name or party id)")
    setting.add_argument("--exclude-operator", action="append", default=[], metavar="OPERATOR",
                         help="leave out an operator's stations even where covered otherwise")
    setting.add_argument("--region", action="append", default=[], metavar="S,W,N,E",
                         help="cover a latitude/longitude box: south,west,north,east")
    setting.add_argument("--station", action="append", default=[], metavar="STATION",
                         help="cover one station (its uuid or id)")
    setting.add_argument("--markup", type=float, default=0.0, metavar="PERCENT",
                         help="raise every station price by this percent (default 0)")
    setting.add_argument("--currency", default="EUR", help="of the fixed prices (default EUR)")
    for name in PRICE_FIELDS:
        setting.add_argument("--" + name.replace("_", "-"), type=float, default=None,
                             metavar="AMOUNT", help=f"fixed {_PRICE_LABELS[name]} price")
    _db_option(setting)
    setting.set_defaults(run=_set)

    clearing = commands.add_parser(
        "clear", help="remove an API's (or a partner's) offer",
        description="Remove the offer of --api (or of its partner --partner): a partner then "
        "gets its API's offer, an API without one sells every station at its base price.")
    _audience(clearing)
    _db_option(clearing)
    clearing.set_defaults(run=_clear)


def _audience(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", required=True, choices=APIS)
    parser.add_argument("--partner", help="a partner's name (as `api-key create --name` "
                        "named it); without it, the API's own offer")


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help=f"SQLite database file (default {default_db_path()})")  # fmt: skip


def _open(args: argparse.Namespace) -> sqlite3.Connection:
    path = args.db or default_db_path()
    if not Path(path).is_file():
        raise _Refused("--db", f"no database at {path}")
    conn = connect(path)
    migrate(conn)
    return conn


# ------------------------------------------------------------------ parsing


def _partner_id(conn: sqlite3.Connection, api: str, name: str | None) -> int | None:
    if name is None:
        return None
    if api == "beenergised":
        raise _Refused("--partner", "beenergised has no partners; leave --partner out")
    partner = partner_store.find_partner(conn, api, name)
    if partner is None:
        raise _Refused("--partner", f"no {api} partner named {name!r}")
    return partner.id


def _operators(conn: sqlite3.Connection, names: list[str], argument: str) -> frozenset[int]:
    found = set()
    for name in names:
        op = partner_store.operator_named(conn, name.strip())
        if op is None:
            raise _Refused(argument, f"no operator named {name!r} (a name or party id)")
        found.add(op)
    return frozenset(found)


def _region(text: str) -> Box:
    parts = text.split(",")
    try:
        south, west, north, east = (float(p) for p in parts)
    except ValueError:
        raise _Refused("--region", f"{text!r} is not SOUTH,WEST,NORTH,EAST in degrees"
                       ) from None  # fmt: skip
    return south, west, north, east


def _stations(conn: sqlite3.Connection, refs: list[str]) -> frozenset[int]:
    found = set()
    for ref in refs:
        ref = ref.strip()
        row = conn.execute("SELECT id FROM stations WHERE uuid = ? OR CAST(id AS TEXT) = ?",
                           (ref, ref)).fetchone()  # fmt: skip
        if row is None:
            raise _Refused("--station", f"no station {ref!r} (a uuid or id)")
        found.add(int(row[0]))
    return frozenset(found)


def _offer(conn: sqlite3.Connection, args: argparse.Namespace) -> Offer:
    if not (args.everything or args.operator or args.region or args.station):
        raise _Refused("--everything", "an offer covers something: give --everything, "
                       "--operator, --region or --station")  # fmt: skip
    currency = args.currency.strip().upper()
    if currency not in currencies.BY_CODE:
        raise _Refused("--currency", f"{args.currency!r} is not a currency code this core knows")
    coverage = Coverage(
        everything=args.everything,
        operator_ids=_operators(conn, args.operator, "--operator"),
        regions=tuple(_region(r) for r in args.region),
        station_ids=_stations(conn, args.station),
        excluded_operator_ids=_operators(conn, args.exclude_operator, "--exclude-operator"))
    pricing = Pricing(markup_percent=args.markup, currency=currency,
                      **{f: getattr(args, f) for f in PRICE_FIELDS})
    return Offer(args.api, args.name.strip(), partner_id=_partner_id(conn, args.api, args.partner),
                 coverage=coverage, pricing=pricing)


# ------------------------------------------------------------------ commands


def _set(args: argparse.Namespace) -> int:
    conn = _open(args)
    try:
        offer = _offer(conn, args)
        try:
            offers.set_offer(conn, offer)
        except DomainError as exc:
            field = exc.field or ""
            reason = exc.message.removeprefix(f"{field}: ")
            raise _Refused(_ARGUMENT.get(field, field), reason) from None
        print(_describe(conn, offer, args.partner))
    finally:
        conn.close()
    return 0


def _clear(args: argparse.Namespace) -> int:
    conn = _open(args)
    try:
        pid = _partner_id(conn, args.api, args.partner)
        if not offers.clear_offer(conn, args.api, pid):
            who = f"partner {args.partner!r}" if args.partner else args.api
            raise _Refused("--partner" if args.partner else "--api",
                           f"{who} has no offer of its own to clear")  # fmt: skip
    finally:
        conn.close()
    who = f"{args.api} partner {args.partner!r}" if args.partner else args.api
    print(f"Cleared the offer of {who}.")
    return 0


def _list(args: argparse.Namespace) -> int:
    conn = _open(args)
    try:
        stored = [o for o in offers.all_offers(conn) if args.api in (None, o.api)]
        rows = [_row(conn, o) for o in stored]
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        for api in [args.api] if args.api else APIS:
            mine = [(o, r) for o, r in zip(stored, rows, strict=True) if o.api == api]
            if not any(o.partner_id is None for o, _r in mine):
                print(f"{api} (the API's own): no offer, every station at its base price"
                      + (" (partners without an offer of their own too)" if mine else "")
                      + "\n")
            for offer, row in mine:
                print(_describe(conn, offer, row["partner"]) + "\n")
    finally:
        conn.close()
    return 0


# ------------------------------------------------------------------ rendering


def _names(conn: sqlite3.Connection, table: str, column: str, ids: frozenset[int]
           ) -> list[str]:  # fmt: skip
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [r[0] for r in conn.execute(
        f"SELECT {column} FROM {table} WHERE id IN ({marks}) ORDER BY {column}", sorted(ids))]


def _partner_name(conn: sqlite3.Connection, partner_id: int | None) -> str | None:
    if partner_id is None:
        return None
    row = conn.execute("SELECT name FROM partners WHERE id = ?", (partner_id,)).fetchone()
    return row[0] if row else None


def _row(conn: sqlite3.Connection, offer: Offer) -> dict[str, Any]:
    c, p = offer.coverage, offer.pricing
    return {
        "api": offer.api, "partner": _partner_name(conn, offer.partner_id), "name": offer.name,
        "covers_everything": c.everything,
        "operators": _names(conn, "operators", "name", c.operator_ids),
        "excluded_operators": _names(conn, "operators", "name", c.excluded_operator_ids),
        "regions": [dict(zip(("south", "west", "north", "east"), r, strict=True))
                    for r in c.regions],
        "stations": _names(conn, "stations", "uuid", c.station_ids),
        "stations_covered": offer_store.count_covered(conn, c),
        "markup_percent": p.markup_percent, "currency": p.currency,
        **{f: getattr(p, f) for f in PRICE_FIELDS},
    }


def _price(p: Pricing, name: str) -> str:
    fixed = getattr(p, name)
    if fixed is not None:
        return f"{_PRICE_LABELS[name]} {fixed:.2f} {p.currency}"
    if p.markup_percent:
        return f"{_PRICE_LABELS[name]} the station's {p.markup_percent:+g} %"
    return f"{_PRICE_LABELS[name]} the station's"


def _describe(conn: sqlite3.Connection, offer: Offer, partner: str | None) -> str:
    row = _row(conn, offer)
    who = f"partner {partner!r}" if partner else "the API's own"
    covers = []
    if row["covers_everything"]:
        covers.append("every station")
    if row["operators"]:
        covers.append("operators " + ", ".join(row["operators"]))
    covers += [f"region {r['south']:g}..{r['north']:g} N, {r['west']:g}..{r['east']:g} E"
               for r in row["regions"]]
    if row["stations"]:
        shown, more = row["stations"][:_SHOWN], len(row["stations"]) - _SHOWN
        covers.append("stations " + ", ".join(shown) + (f" and {more} more" if more > 0 else ""))
    text = "; ".join(covers)
    if row["excluded_operators"]:
        text += "; except operators " + ", ".join(row["excluded_operators"])
    prices = ", ".join(_price(offer.pricing, f) for f in PRICE_FIELDS)
    return (f"{offer.api} ({who}): {offer.name!r}\n"
            f"  covers: {text} ({row['stations_covered']} stations)\n"
            f"  price:  {prices}")


def run(args: argparse.Namespace) -> int:
    try:
        return args.run(args)
    except _Refused as exc:
        print(f"voltra-core offer {args.command}: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"voltra-core offer {args.command}: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        print(f"voltra-core offer {args.command}: cannot use database: {exc}", file=sys.stderr)
        return 2
