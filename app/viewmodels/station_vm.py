"""Station detail: the station, its connectors with live status, occupancy, favourite."""

from __future__ import annotations

import asyncio
import logging
import urllib.parse

from app import format as fmt
from app.context import AppContext
from app.viewmodels import offers
from app.viewmodels.base import ViewModel, error_message
from app.viewmodels.map_vm import summarise
from app.viewmodels.opening import STATION_TZ, is_open
from app.viewmodels.reservation_vm import StationReservation
from services import sites
from services.models import Connector, ConnectorStatus, OccupancySlot, Station, StatusChange
from services.provider import Capability, ProviderError

log = logging.getLogger(__name__)


MAX_IMAGES = 4
CHARGER_RECHECK_S = 3.0


async def fetch_images(urls: list[str], timeout_s: float = 4.0) -> list[bytes]:
    """Download station photos here rather than in the browser: a web client may not load
    images from a back end that sends no CORS headers, and a kiosk may block the host."""
    import httpx

    out: list[bytes] = []
    async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=True) as client:
        for url in urls:
            try:
                r = await client.get(url)
            except httpx.HTTPError as exc:
                log.info("station image %s not loaded: %s", url, type(exc).__name__)
                continue
            if r.status_code == 200 and r.headers.get("content-type", "").startswith("image/"):
                out.append(r.content)
    return out


class StationViewModel(ViewModel):
    def __init__(self, ctx: AppContext, station_id: str, seed: Station | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.station_id = station_id
        self.station: Station | None = seed
        self.occupancy: list[OccupancySlot] = []
        self.image_bytes: list[bytes] = []
        self._watch_task: asyncio.Task | None = None
        self._charger_task: asyncio.Task | None = None
        self.reservation = StationReservation(
            ctx, lambda: [c.id for c in self.station.connectors] if self.station else []
        )
        # Set by the driver while the detail was loading (the list entry is on show
        # meanwhile): the detail read before it must not undo it
        self._favourite_set: bool | None = None

    async def load(self) -> None:
        self.busy, self.error = True, None
        self.notify()
        try:
            members = self.station.station_ids if self.station is not None else []
            station = await sites.fetch_site(self.ctx.provider, self.station_id, members)
            if self.station is not None and station.distance_km is None:
                station.distance_km = self.station.distance_km
            if self._favourite_set is not None:
                station.favourite = self._favourite_set
            self.station = station
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
        finally:
            self.busy = False
            self.notify()
        if self.station is None:
            return
        await self.reservation.load()
        if self.station.images:
            self.image_bytes = await fetch_images(self.station.images[:MAX_IMAGES])
            self.notify()
        if self.ctx.can(Capability.OCCUPANCY):
            try:
                self.occupancy = await self.ctx.provider.occupancy(self.station_id)
                self.notify()
            except ProviderError as exc:
                log.info("no occupancy: %s", exc.message)
        if self.ctx.can(Capability.LIVE_STATUS) and self.station.connectors:
            self._watch_task = asyncio.create_task(self._watch())
        if self.station.remote_start is False and self.ctx.config.chargers_connecting:
            self._charger_task = asyncio.create_task(self._await_charger())

    async def _await_charger(self) -> None:
        """Just after start, the simulated chargers are still connecting: look again until
        this one can take a remote start (or the start-up minute is over)."""
        while self.ctx.config.chargers_connecting:
            await asyncio.sleep(CHARGER_RECHECK_S)
            try:
                station = await self.ctx.provider.get_station(self.station_id)
            except ProviderError as exc:
                log.info("station recheck failed: %s", exc.message)
                continue
            if station.remote_start is not False and self.station is not None:
                self.station.remote_start = station.remote_start
                self.notify()
                return
        self.notify()  # the hint changes from "connecting" to "use your card"

    async def _watch(self) -> None:
        ids = [c.id for c in self.station.connectors] if self.station else []
        try:
            async for change in self.ctx.provider.watch_status(ids):
                if self.apply_status(change):
                    self.notify()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("station status feed ended: %s", exc)

    def apply_status(self, change: StatusChange) -> bool:
        if self.station is None:
            return False
        for c in self.station.connectors:
            if c.id == change.connector_id and c.status != change.status:
                c.status, c.status_detail = change.status, change.status_detail
                self.station.status = summarise(self.station)
                return True
        return False

    def close(self) -> None:
        for task in (self._watch_task, self._charger_task):
            if task:
                task.cancel()

    # --------------------------------------------------------------- derived
    @property
    def open_now(self) -> bool | None:
        return is_open(self.station.opening_hours) if self.station else None

    def occupancy_today(self) -> list[float]:
        """Busy rate 0..1 per hour for today's weekday (24 values)."""
        from datetime import datetime

        wd = datetime.now(STATION_TZ).weekday()
        rates = [0.0] * 24
        for slot in self.occupancy:
            if slot.weekday == wd:
                rates[slot.hour] = slot.rate
        return rates

    def can_start(self, connector: Connector) -> bool:
        """Free connectors, and the one the driver's reservation holds for them."""
        return (
            self.ctx.can(Capability.CHARGING)
            and (
                connector.status is ConnectorStatus.AVAILABLE
                or self.reservation.holds(connector)
            )
            and self.station is not None
            and self.station.remote_start is not False
            # over several accounts: one of them can start here
            and (not connector.offers or any(o.can_start for o in connector.offers))
        )

    def offer_lines(self, connector: Connector) -> list[offers.OfferLine]:
        """Per account: can it start here, and the typical session's price, cheapest first."""
        if not connector.offers:
            return []
        names = {a: self.ctx.account_name(a) or a for a in {o.account_id for o in connector.offers}}
        return offers.lines(
            self.ctx.t, names, connector, offers.typical_session(self.ctx.settings)
        )

    async def reserve(self, connector: Connector) -> bool:
        """Reserve ``connector``; it shows held at once, before the charger's next status."""
        if not await self.reservation.reserve(connector):
            return False
        self._show_held(connector, held=True)
        return True

    async def cancel_reservation(self) -> None:
        current = self.reservation.current
        await self.reservation.cancel()
        if current is not None and self.reservation.current is None and self.station:
            for c in self.station.connectors:
                if c.id == current.connector_id:
                    self._show_held(c, held=False)

    def _show_held(self, connector: Connector, *, held: bool) -> None:
        connector.status = ConnectorStatus.OCCUPIED if held else ConnectorStatus.AVAILABLE
        connector.status_detail = "Reserved" if held else None
        if self.station is not None:
            self.station.status = summarise(self.station)
        self.notify()

    def start_hint(self, connector: Connector) -> str | None:
        """Why a free connector has no Start button, in the driver's words."""
        if (
            self.can_start(connector)
            or connector.status is not ConnectorStatus.AVAILABLE
            or not self.ctx.can(Capability.CHARGING)
            or self.station is None
        ):
            return None
        if self.ctx.config.chargers_connecting:
            return self.ctx.t("station.charger_connecting")
        return self.ctx.t("station.start_at_charger")

    def numbered(self) -> list[tuple[int, Connector]]:
        """Connectors numbered 1.. in the back end's order (what the charger's labels and
        EVSE IDs count), so a driver can match the screen to the post."""
        conns = self.station.connectors if self.station else []
        ordered = sorted(
            enumerate(conns), key=lambda ic: (ic[1].sort_order is None, ic[1].sort_order, ic[0])
        )
        return [(n, c) for n, (_, c) in enumerate(ordered, start=1)]

    def notes(self) -> list[str]:
        """Access and parking, in the driver's words, from what the back end tells."""
        s = self.station
        if s is None:
            return []
        t, lang = self.ctx.t, self.ctx.settings.language
        out = []
        if s.access:
            out.append(fmt.known_word(t, "access", s.access.lower()))
        parking = [c.price for c in s.connectors if c.price is not None]
        fees = [p for p in parking if p.parking_per_minute]
        if fees:
            worst = max(fees, key=lambda p: p.parking_per_minute)
            out.append(
                t(
                    "station.parking_note",
                    fee=fmt.money(worst.parking_per_minute, worst.currency, lang),
                    grace=worst.parking_grace_minutes,
                )
            )
        elif parking:
            out.append(t("station.no_parking_fee"))
        return out

    def report_text(self) -> str:
        """Where to report a fault: the API has no problem report, so the operator's
        hotline (when known) with the EVSE IDs to quote."""
        s = self.station
        if s is None:
            return ""
        t = self.ctx.t
        evse = ", ".join(c.evse_id for c in s.connectors if c.evse_id) or s.id
        operator = s.operator or s.name
        if s.phone:
            return t("station.report_phone", operator=operator, phone=s.phone, evse=evse)
        return t("station.report_operator", operator=operator, evse=evse)

    def navigate_url(self) -> str:
        s = self.station
        assert s is not None
        dest = f"{s.coordinates.latitude:.6f},{s.coordinates.longitude:.6f}"
        return "https://www.openstreetmap.org/directions?" + urllib.parse.urlencode(
            {"route": f";{dest}", "to": dest}
        )

    def share_text(self) -> str:
        s = self.station
        assert s is not None
        lat, lon = s.coordinates.latitude, s.coordinates.longitude
        return (
            f"{s.name}, {s.address.one_line()}\n"
            f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=17/{lat:.6f}/{lon:.6f}"
        )

    async def toggle_favourite(self) -> None:
        if self.station is None:
            return
        if not self.ctx.logged_in:
            self.error = self.ctx.t("station.favourite_needs_login")
            self.notify()
            return
        want = not self.station.favourite
        try:
            self.station.favourite = await self.ctx.provider.set_favourite(self.station_id, want)
            self._favourite_set = self.station.favourite
            self.error = None
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
        self.notify()
