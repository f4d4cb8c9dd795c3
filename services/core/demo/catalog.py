"""Fixed catalogue the demo generator draws from: countries, operators, station types,
prices, opening hours, images. Fictional operator names with plausible eMI3 party ids."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

COUNTRIES = ("DE", "AT", "CH", "NL", "BE", "LU", "FR", "DK")

ALPHA3 = {
    "DE": "DEU", "AT": "AUT", "CH": "CHE", "NL": "NLD",
    "BE": "BEL", "LU": "LUX", "FR": "FRA", "DK": "DNK",
}  # fmt: skip

# VAT included in gross prices, percent (2026 standard rates).
TAX_RATE = {"DE": 19.0, "AT": 20.0, "CH": 8.1, "NL": 21.0, "BE": 21.0, "LU": 17.0,
            "FR": 20.0, "DK": 25.0}  # fmt: skip
CURRENCY = {"CH": "CHF", "DK": "DKK"}  # others EUR
# Price scale against EUR prices (CHF roughly at par with a premium, DKK at its peg).
PRICE_SCALE = {"CHF": 1.0, "DKK": 7.45, "EUR": 1.0}


@dataclass(frozen=True)
class Operator:
    name: str
    country: str  # ISO alpha-2 of the party (first part of the EVSE id)
    party_id: str
    serves: tuple[str, ...]  # countries where it runs stations
    weight: float  # share within each served country
    kinds: tuple[str, ...]  # station kinds it builds
    roaming: bool = False  # reached through a roaming platform (Cp.accessType ROAMING)
    phone: str = ""
    website: str = ""


_AC = ("AC11", "AC22", "AC22S")
_ALL = ("AC11", "AC22", "AC22S", "DC50", "DC150", "HPC300")
_DC = ("DC50", "DC150", "HPC300")

OPERATORS: tuple[Operator, ...] = (
    Operator("Voltra Charge", "DE", "VOL", ("DE",), 5.0, _ALL, False, "+49 30 555 0100",
             "https://voltra.example"),
    Operator("Spreestrom Mobil", "DE", "SPR", ("DE",), 2.0, _AC, False, "+49 30 555 0200",
             "https://spreestrom.example"),
    Operator("Rheinland eMobil", "DE", "RHE", ("DE",), 2.0, _ALL, False, "+49 221 555 0300",
             "https://rheinland-emobil.example"),
    Operator("Stadtwerke Ladenetz", "DE", "SWL", ("DE",), 3.0, _AC, False, "+49 89 555 0400",
             "https://stadtwerke-ladenetz.example"),
    Operator("Alpenstrom Laden", "AT", "ALP", ("AT",), 3.0, _ALL, False, "+43 1 555 0500",
             "https://alpenstrom.example"),
    Operator("Donau E-Mobility", "AT", "DON", ("AT",), 2.0, _AC, False, "+43 732 555 0600",
             "https://donau-emobility.example"),
    Operator("Helvetia Charge", "CH", "HEL", ("CH",), 3.0, _ALL, False, "+41 44 555 0700",
             "https://helvetia-charge.example"),
    Operator("Léman Mobilité", "CH", "LEM", ("CH",), 1.5, _AC, False, "+41 22 555 0800",
             "https://leman-mobilite.example"),
    Operator("Polder Power", "NL", "PLD", ("NL",), 3.0, _ALL, False, "+31 20 555 0900",
             "https://polderpower.example"),
    Operator("Grachten Laadpunt", "NL", "GRA", ("NL",), 2.0, _AC, False, "+31 20 555 1000",
             "https://grachten-laadpunt.example"),
    Operator("Flandria Charge", "BE", "FLC", ("BE",), 2.0, _ALL, False, "+32 3 555 1100",
             "https://flandria-charge.example"),
    Operator("Wallonie Recharge", "BE", "WAL", ("BE",), 1.5, _AC, False, "+32 4 555 1200",
             "https://wallonie-recharge.example"),
    Operator("Lux eCharge", "LU", "LEC", ("LU",), 3.0, _ALL, False, "+352 555 1300",
             "https://lux-echarge.example"),
    Operator("Recharge Hexagone", "FR", "HEX", ("FR",), 4.0, _ALL, False, "+33 1 55 55 14 00",
             "https://recharge-hexagone.example"),
    Operator("Azur Borne", "FR", "AZB", ("FR",), 1.5, _AC, False, "+33 4 55 55 15 00",
             "https://azur-borne.example"),
    Operator("Nordlys Opladning", "DK", "NOL", ("DK",), 3.0, _ALL, False, "+45 33 55 16 00",
             "https://nordlys.example"),
    Operator("Øresund Charge", "DK", "ORE", ("DK",), 1.5, _AC, False, "+45 33 55 17 00",
             "https://oresund-charge.example"),
    Operator("Ionway HPC", "DE", "ION", COUNTRIES, 1.2, _DC, True, "+49 89 555 1800",
             "https://ionway.example"),
    Operator("EuroVolt Roaming", "NL", "EUV", COUNTRIES, 1.3, _ALL, True, "+31 10 555 1900",
             "https://eurovolt.example"),
)  # fmt: skip

# Station kinds: connectors as (plug_type, current_type, max_power_kw), share of sites, and
# a price class. Schuko sockets deliver 3.7 kW (the household socket limit); every
# charging point's headline power is 11, 22, 50, 150 or 300 kW.
KINDS: dict[str, tuple[tuple[tuple[str, str, float], ...], str]] = {
    "AC11": ((("TYPE2", "AC", 11.0), ("TYPE2", "AC", 11.0)), "AC"),
    "AC22": ((("TYPE2", "AC", 22.0), ("TYPE2", "AC", 22.0)), "AC"),
    "AC22S": ((("TYPE2", "AC", 22.0), ("SCHUKO", "AC", 3.7)), "AC"),
    "DC50": ((("CCS", "DC", 50.0), ("CHADEMO", "DC", 50.0), ("TYPE2", "AC", 22.0)), "DC"),
    "DC150": ((("CCS", "DC", 150.0), ("CCS", "DC", 150.0)), "DC"),
    "HPC300": ((("CCS", "DC", 300.0), ("CCS", "DC", 300.0)), "HPC"),
}
KIND_WEIGHTS = {"AC11": 30, "AC22": 34, "AC22S": 6, "DC50": 15, "DC150": 10, "HPC300": 5}
# Hardware per kind: (vendor, model, firmware)
HARDWARE = {
    "AC11": ("Voltra Systems", "Wallbox W11", "2.4.1"),
    "AC22": ("Voltra Systems", "Pillar P22", "3.1.0"),
    "AC22S": ("Mennekes-like GmbH", "Amtron Duo", "5.22"),
    "DC50": ("Triplex Power", "Tri50", "1.9.7"),
    "DC150": ("Nordic DC", "Raptor 150", "4.0.2"),
    "HPC300": ("Alpitronic-like", "Hypercharger 300", "1.18.0"),
}

# Site sizes (charge points per site) and their weights.
SITE_SIZES = (1, 2, 3, 4, 5, 6)
SITE_SIZE_WEIGHTS = (32, 30, 13, 12, 7, 6)

# Gross EUR prices per price class: (per_kwh choices, start fee choices, per minute choices,
# parking per minute, grace minutes). Blocking fees start late on AC, early on DC.
PRICE_CLASSES = {
    "AC": ((0.39, 0.45, 0.49, 0.52, 0.55, 0.59), (0.0, 0.0, 0.0, 0.99), (0.0, 0.0, 0.0, 0.01),
           0.10, 240),
    "DC": ((0.59, 0.62, 0.65, 0.69, 0.72), (0.0, 0.0, 0.99), (0.0, 0.0, 0.0, 0.02), 0.20, 45),
    "HPC": ((0.69, 0.74, 0.79, 0.84), (0.0, 0.0, 1.49), (0.0, 0.0, 0.0), 0.30, 30),
}  # fmt: skip
FREE_SHARE = 0.03  # stations whose connectors are all free of charge (e.g. supermarkets)

# Connector status mix: (ocpp, calculated, simple, weight). SimpleConnectorStatus knows
# Available/Occupied/Unavailable/Faulted only, so an unknown state shows as Unavailable.
STATUSES = (
    ("Available", "Available", "Available", 80),
    ("Charging", "Charging", "Occupied", 9),
    ("SuspendedEV", "Occupied", "Occupied", 2),
    ("Preparing", "Occupied", "Occupied", 2),
    ("Faulted", "Faulted", "Faulted", 3),
    ("Unavailable", "Unavailable", "Unavailable", 2),
    (None, "Unknown", "Unavailable", 2),
)

IMAGES = tuple(f"station-{i}.png" for i in range(1, 9))


def opening_hours_variants(anchor: date) -> list[tuple[str, int]]:
    """(JSON, weight). The stored form the be.ENERGISED facade reads (station_types.py):
    ``{"twentyfourseven": bool, "regular": [{"weekday": 1..7, "begin": "HH:MM",
    "end": "HH:MM"}], "exceptional": [{"begin": ISO, "end": ISO, "closed": bool}]}``.
    Exceptions fall around the anchor's year end so they are near in time."""
    y = anchor.year
    xmas = [
        {"begin": f"{y}-12-24T14:00:00Z", "end": f"{y}-12-26T23:59:59Z", "closed": True},
        {"begin": f"{y}-12-31T16:00:00Z", "end": f"{y + 1}-01-01T23:59:59Z", "closed": True},
    ]
    sunday_open = [
        {"begin": f"{y}-12-20T10:00:00Z", "end": f"{y}-12-20T18:00:00Z", "closed": False}
    ]

    def week(begin: str, end: str, days: range = range(1, 7), sat: tuple | None = None):
        out = [{"weekday": d, "begin": begin, "end": end} for d in days]
        if sat:
            out.append({"weekday": 6, "begin": sat[0], "end": sat[1]})
        return out

    variants = [
        ({"twentyfourseven": True}, 82),
        # supermarket car park
        ({"twentyfourseven": False, "regular": week("07:00", "22:00"), "exceptional": xmas}, 7),
        # office garage, weekdays only
        ({"twentyfourseven": False, "regular": week("06:00", "20:00", range(1, 6)),
          "exceptional": xmas}, 4),
        # shopping centre with a Saturday and a special Sunday opening
        ({"twentyfourseven": False,
          "regular": week("09:00", "20:00", range(1, 6), sat=("09:00", "18:00")),
          "exceptional": xmas + sunday_open}, 4),
        # hotel: daily, long hours
        ({"twentyfourseven": False, "regular": week("06:00", "23:30", range(1, 8))}, 3),
    ]  # fmt: skip
    return [(json.dumps(v, separators=(",", ":")), w) for v, w in variants]


# Rate options (contracts a driver can sign) with their rate packages (prepaid runtimes).
# (name, description, monthly fee, tariff prices (per_kwh, start, per_min), packages)
# packages: (name, gross amount, visible runtime min, automatic stop min)
RATE_OPTIONS = (
    ("Voltra Basic", "Pay as you charge. No monthly fee, the station's own prices apply.",
     0.0, (0.55, 0.0, 0.0),
     (("30 min", 6.00, 30, 30), ("60 min", 11.00, 60, 60))),
    ("Voltra Plus", "Reduced energy price for frequent drivers. 4.99 EUR per month.",
     4.99, (0.45, 0.0, 0.0),
     (("60 min", 9.50, 60, 60), ("120 min", 17.00, 120, 120), ("Overnight", 19.00, 720, 720))),
    ("Voltra Roaming", "Charge across Europe at partner networks. Roaming prices apply.",
     0.0, (0.65, 0.0, 0.0),
     (("45 min fast", 14.00, 45, 45),)),
)  # fmt: skip
