"""History: sessions grouped by month, detail, statistics, CSV and map export."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from collections import OrderedDict
from datetime import UTC, datetime

from app.context import AppContext
from app.viewmodels.base import ViewModel, error_message
from app.viewmodels.by_account import AccountFilter
from services.models import ChargingSession, Statistics
from services.provider import Capability, ProviderError

log = logging.getLogger(__name__)

PAGE = 50


# The group of sessions a back end names without any time (OIOI's older, billed sessions)
UNDATED = "undated"


def month_key(session: ChargingSession) -> str:
    when = session.started_at or session.ended_at
    if when is None:
        if not session.state.is_active:
            return UNDATED
        when = datetime.now(UTC)
    return when.astimezone().strftime("%Y-%m")


def group_by_month(sessions: list[ChargingSession]) -> OrderedDict[str, list[ChargingSession]]:
    ordered = sorted(
        sessions,
        key=lambda s: s.started_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    groups: OrderedDict[str, list[ChargingSession]] = OrderedDict()
    for s in ordered:
        groups.setdefault(month_key(s), []).append(s)
    return groups


CSV_COLUMNS = (
    "id",
    "started_at",
    "ended_at",
    "station",
    "evse_id",
    "card",
    "energy_kwh",
    "duration_min",
    "cost",
    "currency",
    "state",
)


def to_csv(sessions: list[ChargingSession]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for s in sessions:
        w.writerow(
            [
                s.id,
                s.started_at.isoformat() if s.started_at else "",
                s.ended_at.isoformat() if s.ended_at else "",
                s.station_name or "",
                s.evse_id or "",
                s.card_uid or "",
                f"{s.energy_kwh:.3f}",
                f"{(s.duration_s or 0) / 60:.1f}" if s.ended_at else "",
                f"{s.cost.total:.2f}" if s.cost else "",
                s.cost.currency if s.cost else "",
                s.state.value,
            ]
        )
    return buf.getvalue()


class HistoryViewModel(ViewModel):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.sessions: list[ChargingSession] = []
        self.is_last = True
        self.statistics: Statistics | None = None
        self.detail: ChargingSession | None = None
        # Over several accounts: statistics per account, and the driver's filter by one
        self.per_account: dict[str, Statistics] = {}
        self.by_account = AccountFilter(ctx)

    async def load(self) -> None:
        if not (self.ctx.logged_in and self.ctx.can(Capability.HISTORY)):
            self.sessions, self.statistics = [], None
            self.notify()
            return
        self.busy, self.error = True, None
        self.notify()
        try:
            page = await self.ctx.provider.history(offset=0, limit=PAGE)
            self.sessions, self.is_last = list(page.items), page.is_last
            if self.ctx.can(Capability.STATISTICS):
                per_account = getattr(self.ctx.provider, "statistics_by_account", None)
                if per_account is None:
                    self.statistics, self.per_account = await self.ctx.provider.statistics(), {}
                else:
                    # each account's as it reports them; the total from the provider, which
                    # counts a session two accounts both show once (never their sum)
                    per, self.statistics = await asyncio.gather(
                        per_account(), self.ctx.provider.statistics())
                    self.per_account = dict(per)
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
        finally:
            self.busy = False
            self.notify()

    async def load_more(self) -> None:
        if self.is_last:
            return
        try:
            page = await self.ctx.provider.history(offset=len(self.sessions), limit=PAGE)
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
        else:
            known = {s.id for s in self.sessions}
            self.sessions += [s for s in page.items if s.id not in known]
            self.is_last = page.is_last
        self.notify()

    def groups(self) -> OrderedDict[str, list[ChargingSession]]:
        return group_by_month(self.shown())

    def shown(self) -> list[ChargingSession]:
        """The sessions of the account the driver filtered on (all without a filter)."""
        return self.by_account.apply(self.sessions)

    def filter_choices(self) -> list[tuple[str, str]]:
        """Accounts with sessions: in the pages loaded so far, or in their statistics."""
        counted = {a for a, st in self.per_account.items() if st.sessions}
        return self.by_account.choices_among({s.account_id for s in self.sessions} | counted)

    def filter_by(self, account_id: str | None) -> None:
        self.by_account.select(account_id)
        self.notify()

    @property
    def shown_statistics(self) -> Statistics | None:
        """The total, or the filtered account's statistics."""
        selected = self.by_account.selected
        if selected is not None and selected in self.per_account:
            return self.per_account[selected]
        return self.statistics

    def account_totals(self) -> list[tuple[str, str, Statistics]]:
        """(account id, name, statistics) per account, in the book's order."""
        order = self.ctx.account_ids()
        ids = sorted(self.per_account, key=lambda a: order.index(a) if a in order else len(order))
        return [(a, self.ctx.account_name(a) or a, self.per_account[a]) for a in ids]

    async def open(self, session_id: str) -> None:
        self.detail = next((s for s in self.sessions if s.id == session_id), None)
        self.notify()
        try:
            self.detail = await self.ctx.provider.get_session(session_id)
        except ProviderError as exc:
            if self.detail is None:
                self.error = error_message(self.ctx.t, exc)
        self.notify()

    def month_totals(self, month: str) -> tuple[float, float, str]:
        """(kWh, cost, currency) of a whole month: the back end's statistics, which count
        every session of the month, not only the pages of history loaded so far."""
        stats = self.shown_statistics
        for m in stats.months if stats else []:
            if m.month == month:
                return m.energy_kwh, m.cost, stats.currency
        loaded = self.groups().get(month, [])
        cost = sum(s.cost.total for s in loaded if s.cost)
        currency = next((s.cost.currency for s in loaded if s.cost), "EUR")
        return sum(s.energy_kwh for s in loaded), cost, currency

    def monthly_series(self) -> list[tuple[str, float, float]]:
        """(YYYY-MM, kWh, cost) oldest first, last 12 months with data."""
        stats = self.shown_statistics
        if stats and stats.months:
            months = sorted(stats.months, key=lambda m: m.month)[-12:]
            return [(m.month, m.energy_kwh, m.cost) for m in months]
        groups = group_by_month(self.shown())
        out = []
        for month, items in sorted(groups.items())[-12:]:
            cost = sum(s.cost.total for s in items if s.cost)
            out.append((month, sum(s.energy_kwh for s in items), cost))
        return out

    async def all_sessions(self) -> list[ChargingSession]:
        """Everything for an export, page by page."""
        sessions, offset = [], 0
        while True:
            page = await self.ctx.provider.history(offset=offset, limit=PAGE)
            sessions += page.items
            offset += len(page.items)
            if page.is_last or not page.items:
                return sessions

    async def export_csv(self) -> bytes:
        return to_csv(await self.all_sessions()).encode("utf-8")

    async def export_map(self) -> bytes:
        """A folium map of where the driver charged, made by the services layer."""
        from services import mapexport

        sessions = await self.all_sessions()
        stations = {}
        for sid in {s.station_id for s in sessions if s.station_id}:
            try:
                stations[sid] = await self.ctx.provider.get_station(sid)
            except ProviderError:
                continue  # a removed station: its sessions are left off the map
        fmap = mapexport.history_map(sessions, stations, title=self.ctx.t("history.map_title"))
        return fmap.get_root().render().encode("utf-8")
