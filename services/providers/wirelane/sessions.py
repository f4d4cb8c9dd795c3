"""The organisation's sessions: windows of the history over ``page``/``page_size``, one
member's sessions, and statistics summed from them (the document has no statistics)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from services import models as m

from . import requests as R
from . import wire as w
from .client import WirelaneClient
from .fleet import FleetReader

MAX_PAGES = 50  # sessions read for statistics or an export at most (x PAGE_SIZE)


class SessionReader:
    def __init__(self, api: WirelaneClient, fleet: FleetReader) -> None:
        self.api = api
        self.fleet = fleet

    @property
    def path(self) -> str:
        return R.sessions_path(self.api.organisation_id)

    async def window(
        self, params: R.Params, offset: int, limit: int
    ) -> tuple[list[w.Session], bool]:
        """``limit`` sessions from ``offset`` as pages of ``limit``: one request when the
        offset falls on a page boundary, else the two pages it spans; and whether none
        follow."""
        first = offset // limit + 1
        skip = offset - (first - 1) * limit
        rows = await self.api.get_list(self.path, params, first, limit)
        short = len(rows) < limit
        if skip and not short:
            more = await self.api.get_list(self.path, params, first + 1, limit)
            rows += more
            short = len(more) < limit
        window = rows[skip : skip + limit]
        is_last = short and len(rows) - skip <= limit
        return [w.Session.model_validate(r) for r in window], is_last

    async def of_member(
        self, member_id: str, since: datetime | None, until: datetime | None
    ) -> list[w.Session]:
        """A member's sessions: the server narrows by ``search`` (the member's e-mail), the
        device keeps only exact matches of account id or e-mail."""
        member = await self.fleet.member(member_id, details=False)
        raw = await self.api.get_all(
            self.path,
            R.session_params(since=since, until=until, search=member.email or member.id),
            max_pages=MAX_PAGES,
        )
        email = (member.email or "").casefold()
        return [
            s
            for s in (w.Session.model_validate(r) for r in raw)
            if s.customer_id == member.id
            or (email and (s.customer_email or "").casefold() == email)
        ]

    async def all(
        self, since: datetime | None, until: datetime | None, member_id: str | None = None
    ) -> list[w.Session]:
        if member_id:
            return await self.of_member(member_id, since, until)
        raw = await self.api.get_all(
            self.path, R.session_params(since=since, until=until), max_pages=MAX_PAGES
        )
        return [w.Session.model_validate(r) for r in raw]


def statistics(sessions: Iterable[m.ChargingSession]) -> m.Statistics:
    """Ended sessions counted per month (of their start); running ones are left out."""
    months: dict[str, m.MonthlyStatistics] = {}
    stats = m.Statistics()
    currency = None
    for s in sessions:
        if s.state.is_active or s.started_at is None:
            continue
        key = s.started_at.strftime("%Y-%m")
        mo = months.setdefault(
            key,
            m.MonthlyStatistics(month=key, sessions=0, energy_kwh=0.0, cost=0.0,
                                co2_saved_kg=0.0),
        )
        mo.sessions += 1
        stats.sessions += 1
        mo.energy_kwh = round(mo.energy_kwh + s.energy_kwh, 3)
        stats.energy_kwh += s.energy_kwh
        if s.cost is not None:
            mo.cost = round(mo.cost + s.cost.total, 2)
            stats.cost += s.cost.total
            currency = currency or s.cost.currency
        stats.duration_s += s.duration_s or 0.0
    stats.energy_kwh = round(stats.energy_kwh, 3)
    stats.cost = round(stats.cost, 2)
    stats.currency = currency or "EUR"
    stats.months = sorted(months.values(), key=lambda x: x.month)
    return stats
