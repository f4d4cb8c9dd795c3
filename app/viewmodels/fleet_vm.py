"""Fleet: an organisation's members (status, payment method, subscription), the sessions
of one member, and the period's sessions as CSV, for back ends with Capability.FLEET."""

from __future__ import annotations

from app.context import AppContext
from app.viewmodels.base import ViewModel
from services.models import ChargingSession, FleetMember, FleetMemberStatus
from services.provider import Capability

MEMBER_SESSIONS = 20  # the newest sessions shown for a member; the CSV has them all


class FleetViewModel(ViewModel):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.members: list[FleetMember] = []
        self.selected: FleetMember | None = None
        self.sessions: list[ChargingSession] = []
        self.loaded = False

    @property
    def available(self) -> bool:
        return self.ctx.logged_in and self.ctx.can(Capability.FLEET)

    def reset(self) -> None:
        self.members, self.selected, self.sessions = [], None, []
        self.loaded, self.error = False, None

    @staticmethod
    def status_key(member: FleetMember) -> str:
        return f"fleet.status.{member.status.value.lower()}"

    def counts(self) -> dict[FleetMemberStatus, int]:
        out: dict[FleetMemberStatus, int] = {}
        for m in self.members:
            out[m.status] = out.get(m.status, 0) + 1
        return out

    async def load(self) -> None:
        if not self.available:
            self.reset()
            self.notify()
            return

        async def load() -> None:
            self.members = await self.ctx.provider.fleet_members(details=True)
            self.loaded = True

        await self.attempt(self.ctx.t, load())

    async def open_member(self, member_id: str) -> None:
        member = next((m for m in self.members if m.id == member_id), None)
        if member is None:
            return
        self.selected, self.sessions = member, []

        async def read() -> None:
            page = await self.ctx.provider.member_sessions(member_id, limit=MEMBER_SESSIONS)
            self.sessions = list(page.items)

        await self.attempt(self.ctx.t, read())

    def close_member(self) -> None:
        self.selected, self.sessions = None, []
        self.notify()

    async def export_csv(self) -> bytes:
        """Every session of the organisation, or of the member shown, as CSV."""
        member_id = self.selected.id if self.selected else None
        text = await self.ctx.provider.export_sessions_csv(member_id=member_id)
        return text.encode("utf-8")
