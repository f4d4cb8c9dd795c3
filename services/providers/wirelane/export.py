"""The organisation's sessions as CSV (RFC 4180), one row per session, for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime

from . import adapter
from . import wire as w

COLUMNS = (
    "session_id",
    "member_id",
    "member_email",
    "card",
    "station_id",
    "evse_id",
    "address",
    "started_at",
    "ended_at",
    "duration_min",
    "energy_kwh",
    "price",
    "currency",
    "status",
)

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else ""


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def sessions_csv(sessions: Iterable[w.Session]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for raw in sessions:
        s = adapter.session(raw)
        duration = s.duration_s if s.ended_at is not None else None
        writer.writerow(
            (
                _text(s.id),
                _text(raw.customer_id),
                _text(raw.customer_email),
                _text(raw.card_short_reference or raw.card_number),
                _text(s.station_id),
                _text(s.evse_id),
                _text(s.station_name),
                _when(s.started_at),
                _when(s.ended_at),
                _number(duration / 60 if duration is not None else None, 1),
                _number(s.energy_kwh, 3),
                _number(s.cost.total if s.cost else None, 2),
                _text(s.cost.currency if s.cost else raw.currency),
                _text(raw.status),
            )
        )
    return out.getvalue()
