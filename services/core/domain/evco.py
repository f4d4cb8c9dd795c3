"""EVCO IDs: the contract ids the core gives its users and their cards.

Form (the OIOI glossary's): country, ``*``, EMP id, ``*``, six characters, ``*``, check
character, e.g. ``DE*VOL*U0000A*7``. The six characters are a kind letter (``U`` user,
``C`` card) and the row id in base 36, so an id can be read back without a lookup table.
The check character is the ISO 7064 MOD 11-2 character over the other characters' values
(``X`` stands for 10), enough to catch a mistyped character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COUNTRY = "DE"
EMP_ID = "VOL"
USER, CARD = "U", "C"
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_WIDTH = 5
MAX_ID = 36**_WIDTH - 1

# The glossary's pattern: [A-Za-z]{2}[*|-]?[A-Za-z0-9]{3}[*|-]?[A-Za-z0-9]{6}[*|-]?[\d|X]
PATTERN = re.compile(r"^([A-Za-z]{2})[*-]?([A-Za-z0-9]{3})[*-]?([A-Za-z0-9]{6})[*-]?([0-9X])$")


@dataclass(frozen=True)
class EvcoRef:
    kind: str  # USER or CARD
    row_id: int


def _check(body: str) -> str:
    total = 0
    for ch in body.upper():
        total = (total + _DIGITS.index(ch)) * 2 % 11
    value = (12 - total) % 11
    return "X" if value == 10 else str(value)


def make(kind: str, row_id: int) -> str:
    if kind not in (USER, CARD) or not 0 < row_id <= MAX_ID:
        raise ValueError(f"no EVCO ID for {kind} {row_id}")
    digits = ""
    n = row_id
    for _ in range(_WIDTH):
        n, rest = divmod(n, 36)
        digits = _DIGITS[rest] + digits
    body = f"{COUNTRY}{EMP_ID}{kind}{digits}"
    return f"{COUNTRY}*{EMP_ID}*{kind}{digits}*{_check(body)}"


def user_evco(user_id: int) -> str:
    return make(USER, user_id)


def card_evco(card_id: int) -> str:
    return make(CARD, card_id)


def well_formed(value: str | None) -> bool:
    return bool(value) and PATTERN.match(value.strip()) is not None  # type: ignore[union-attr]


def parse(value: str | None) -> EvcoRef | None:
    """The user or card an EVCO ID of this core names; None for a well-formed id of another
    EMP (or a wrong check character). Raises ValueError for a malformed one."""
    m = PATTERN.match((value or "").strip())
    if m is None:
        raise ValueError("is not an EVCO ID (e.g. DE*VOL*U0000A*7)")
    country, emp, six, check = (g.upper() for g in m.groups())
    if country != COUNTRY or emp != EMP_ID or six[0] not in (USER, CARD):
        return None
    if _check(country + emp + six) != check:
        return None
    row_id = 0
    for ch in six[1:]:
        row_id = row_id * 36 + _DIGITS.index(ch)
    return EvcoRef(six[0], row_id) if row_id > 0 else None
