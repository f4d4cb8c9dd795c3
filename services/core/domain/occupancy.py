"""How busy a station is, per weekday and hour: measured where there is history, from a
typical profile otherwise.

Why two sources: at 1,000,000 stations a stored 7 x 24 grid per station would be 168 million
rows. So every station carries a small ``occupancy_profile`` id (a typical pattern for its
kind of place, the functions below compute it, nothing is stored), and the ``occupancy``
table holds measured rates only for stations with charging history, recomputed from their
finished sessions (:func:`recompute`). Reads prefer measured rows per station.

Rates are the share of time (0..1) the station's connectors were in use; weekday 0 is
Monday (the be.ENERGISED ``OccupancyDays`` order MONDAY..SUNDAY).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from services.core.store.db import from_iso, to_iso

PROFILES = {
    0: "urban street",
    1: "office / commuter",
    2: "retail",
    3: "residential overnight",
    4: "highway fast charging",
    5: "leisure / weekend",
}


def _bump(hour: float, centre: float, width: float) -> float:
    d = min(abs(hour - centre), 24 - abs(hour - centre))
    return math.exp(-0.5 * (d / width) ** 2)


def profile_rate(profile: int, weekday: int, hour: int) -> float:
    """Typical occupancy for a profile at a weekday (0 = Monday) and hour (0..23)."""
    h = hour + 0.5
    weekend = weekday >= 5
    p = profile % len(PROFILES)
    if p == 0:
        r = 0.12 + 0.35 * _bump(h, 9, 2) + 0.45 * _bump(h, 19, 2.5)
        r *= 0.85 if weekend else 1.0
    elif p == 1:
        r = 0.05 + (0.0 if weekend else 0.75 * _bump(h, 12.5, 3.2))
    elif p == 2:
        r = 0.04 + (0.2 if weekday == 6 else 0.7) * _bump(h, 15, 3.5)
    elif p == 3:
        r = 0.1 + 0.7 * _bump(h, 2, 4.5)
        r *= 1.05 if weekend else 1.0
    elif p == 4:
        r = 0.08 + 0.4 * _bump(h, 12.5, 1.8) + 0.45 * _bump(h, 17.5, 2)
        r *= 1.3 if weekday in (4, 6) else 1.0
    else:
        r = 0.05 + (0.6 if weekend else 0.2) * _bump(h, 14, 3)
    return round(min(0.97, max(0.0, r)), 3)


def rates(
    conn: sqlite3.Connection, station_ids: Sequence[int], weekday: int | None = None
) -> list[tuple[int, int, float]]:
    """(weekday, hour, rate) averaged over the stations, measured rows where a station has
    them and its profile otherwise; one weekday or the whole week, ordered."""
    if not station_ids:
        return []
    ids = list(dict.fromkeys(station_ids))
    marks = ",".join("?" * len(ids))
    measured: dict[int, dict[tuple[int, int], float]] = {}
    q = f"SELECT station_id, weekday, hour, rate FROM occupancy WHERE station_id IN ({marks})"
    args: list = list(ids)
    if weekday is not None:
        q += " AND weekday = ?"
        args.append(weekday)
    for sid, wd, hr, rate in conn.execute(q, args):
        measured.setdefault(sid, {})[(wd, hr)] = rate
    profiles = dict(
        conn.execute(
            f"SELECT id, occupancy_profile FROM stations WHERE id IN ({marks})", ids
        ).fetchall()
    )
    known = [sid for sid in ids if sid in profiles]
    if not known:
        return []
    days = range(7) if weekday is None else (weekday,)
    out = []
    for wd in days:
        for hr in range(24):
            total = 0.0
            for sid in known:
                m = measured.get(sid)
                total += m[(wd, hr)] if m and (wd, hr) in m else profile_rate(profiles[sid], wd, hr)
            out.append((wd, hr, round(total / len(known), 4)))
    return out


def recompute(
    conn: sqlite3.Connection, station_ids: Iterable[int], *, until: datetime, weeks: int = 8
) -> None:
    """Measured occupancy from finished sessions in the ``weeks`` before ``until``: for
    each weekday/hour slot, connector-minutes in use / (connectors x minutes observed).
    Runs inside the caller's transaction when there is one."""
    since = until - timedelta(weeks=weeks)
    rows = []
    for sid in dict.fromkeys(station_ids):
        n_conn = (
            conn.execute("SELECT COUNT(*) FROM connectors WHERE station_id = ?", (sid,)).fetchone()[
                0
            ]
            or 1
        )
        used = [[0.0] * 24 for _ in range(7)]
        for ds, de in conn.execute(
            "SELECT date_start, date_end FROM sessions WHERE station_id = ? AND state ="
            " 'finished' AND date_end > ? AND date_start < ?",
            (sid, to_iso(since), to_iso(until)),
        ):
            t, end = max(from_iso(ds), since), min(from_iso(de), until)
            while t < end:
                slot_end = min(
                    end, t.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
                )
                used[t.weekday()][t.hour] += (slot_end - t).total_seconds() / 60
                t = slot_end
        for wd in range(7):
            for hr in range(24):
                rate = used[wd][hr] / (n_conn * weeks * 60)
                rows.append((sid, wd, hr, round(min(1.0, rate), 4)))
    conn.executemany(
        "INSERT OR REPLACE INTO occupancy(station_id, weekday, hour, rate) VALUES (?,?,?,?)",
        rows,
    )
