"""Map search: the area searched, filters, results, clusters, the list and live status."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app.context import AppContext
from app.viewmodels import offers
from app.viewmodels.base import ViewModel, error_message
from app.viewmodels.clusters import MarkerItem, cluster, radius_for_view
from app.viewmodels.qr_code import QrProblem, evse_from_image
from services import geo, sites
from services.models import (
    Connector,
    ConnectorStatus,
    Coordinates,
    CurrentType,
    Place,
    PlugType,
    SearchQuery,
    Station,
    StationFilters,
    StatusChange,
    StatusSummary,
    Tariff,
)
from services.provider import Capability, NotFound, ProviderError

log = logging.getLogger(__name__)

BERLIN = Coordinates(latitude=52.5200, longitude=13.4050)
POWER_STEPS = (None, 11.0, 22.0, 50.0, 150.0)
PRICE_STEPS = (None, 0.40, 0.50, 0.60)  # highest price per kWh a driver accepts
SORT_ORDERS = ("distance", "price", "power")
CHEAPEST = "cheapest"  # the cheapest typical session over the driver's accounts
MIN_ZOOM, MAX_ZOOM = 4.0, 19.0
SEARCH_LIMIT = 200
LIST_LIMIT = 100  # list entries drawn; the rest are on the map
RECENT_LIMIT = 5  # recent stations above the list: the few a driver goes back to
STATUS_COALESCE_S = 0.5


def _loading(state) -> bool:
    return getattr(state.state, "value", state.state) == "loading"


def summarise(station: Station) -> StatusSummary:
    """The station's at-a-glance status from its connectors."""
    statuses = [c.status for c in station.connectors]
    if not statuses:
        return station.status
    available = sum(1 for s in statuses if s is ConnectorStatus.AVAILABLE)
    if available:
        status = ConnectorStatus.AVAILABLE
    elif any(s is ConnectorStatus.OCCUPIED for s in statuses):
        status = ConnectorStatus.OCCUPIED
    elif all(s is ConnectorStatus.OUT_OF_ORDER for s in statuses) or (
        any(s is ConnectorStatus.OUT_OF_ORDER for s in statuses)
        and all(s in (ConnectorStatus.OUT_OF_ORDER, ConnectorStatus.UNKNOWN) for s in statuses)
    ):
        status = ConnectorStatus.OUT_OF_ORDER
    else:
        status = ConnectorStatus.UNKNOWN
    return StatusSummary(status=status, available=available, total=len(statuses))


def fits(connector: Connector, plugs: list[str]) -> bool:
    """A connector the driver's car can use (no vehicle profile: every connector)."""
    return not plugs or connector.plug_type.value in plugs


def cheapest_kwh(station: Station, plugs: list[str] | None = None) -> Tariff | None:
    """The tariff with the lowest energy price among the connectors that fit, for the
    one price a list row or marker has room for."""
    tariffs = [
        c.price for c in station.connectors if c.price is not None and fits(c, plugs or [])
    ]
    if not tariffs:
        return None
    return min(tariffs, key=lambda p: 0.0 if p.free_of_charge else p.per_kwh)


def max_power(station: Station, plugs: list[str] | None = None) -> float | None:
    powers = [c.max_power_kw for c in station.connectors if c.max_power_kw and fits(c, plugs or [])]
    return max(powers, default=None) or (station.max_power_kw if not plugs else None)


class MapViewModel(ViewModel):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.centre = BERLIN
        self.zoom = 13.0
        self.view_size = (1000.0, 700.0)
        self.searched_centre = BERLIN
        self.radius_km = 5.0
        self.filters = StationFilters()
        self.stations: list[Station] = []
        self.moved = False  # the camera left the searched area: offer "search this area"
        self.places: list[Place] = []
        self.show_list = False
        self.searched_once = False
        self.more = False  # the back end holds more stations in the area than were fetched
        # Where the map should fly to (a place or the driver's position): the screen takes
        # it once its map is on the page; a map built later starts at centre/zoom anyway.
        self.camera_request: tuple[Coordinates, float] | None = None
        self._watch_task: asyncio.Task | None = None
        self.status_updates = 0
        self._status_listeners: list = []
        self._changed_ids: set[str] = set()
        self._flush_handle: asyncio.TimerHandle | None = None
        self.sort = "distance"
        self.max_price_kwh: float | None = None
        self.fits_vehicle = bool(ctx.settings.vehicle_plugs)
        # The stations the driver used last, where the back end keeps them (None: not asked)
        self.recent: list[Station] | None = None
        self.operators: set[str] = set()  # every operator seen, for the operator filter
        self.preview: Station | None = None  # the marker the driver tapped
        self.my_position: Coordinates | None = None
        # Over several accounts: {account_id: AccountState} of the last search
        self.account_states: dict = {}

    # ------------------------------------------------------------------ search
    async def search(
        self, centre: Coordinates | None = None, radius_km: float | None = None
    ) -> None:
        centre = centre or self.centre
        radius = radius_km or radius_for_view(centre.latitude, self.zoom, *self.view_size)
        self.busy, self.error = True, None
        self.notify()
        try:
            filters = self.filters
            query = SearchQuery(
                centre=centre, radius_km=min(radius, 500), filters=filters, limit=SEARCH_LIMIT
            )
            progressive = getattr(self.ctx.provider, "search_progressive", None)
            if progressive is None:
                page = await self.ctx.provider.search_stations(query)
                self._show(page.items, not page.is_last, centre, radius)
            else:
                # Several accounts answer at their own pace: show what has arrived
                async for found, states in progressive(query):
                    self.account_states = dict(states)
                    items = list(getattr(found, "items", found))
                    # until an account has answered, the list on show stays: emptied, the
                    # row a driver is tapping would vanish under the finger
                    if items or not any(_loading(st) for st in states.values()):
                        self._show(items, False, centre, radius)
                    self.notify()
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
        finally:
            self.busy = False
            self.notify()
        self.restart_watch()

    def _show(self, found: list[Station], more: bool, centre: Coordinates, radius: float) -> None:
        self.operators.update(s.operator for s in found if s.operator)
        stations = [s for s in found if self._matches(s)]
        for s in stations:
            if s.distance_km is None:
                s.distance_km = geo.distance_km(centre, s.coordinates)
        stations.sort(key=lambda s: s.distance_km or 0.0)
        self.stations = self._sorted(sites.group_by_site(stations))
        self.more = more
        self.searched_centre, self.radius_km = centre, radius
        self.moved = False
        if not self.searched_once and self.ctx.config.on_map_ready:
            self.ctx.config.on_map_ready()
        self.searched_once = True

    def account_progress(self) -> list[tuple[str, str, str, str | None]]:
        """(account id, name, state, detail) of the last search per account (loading,
        ready, failed); empty over a single provider."""
        out = []
        for account_id, state in self.account_states.items():
            kind = getattr(state.state, "value", state.state)
            name = self.ctx.account_name(account_id) or account_id
            out.append((account_id, name, kind, state.detail))
        return out

    def _matches(self, s: Station) -> bool:
        """Client-side safety net for filters a back end may ignore."""
        f = self.filters
        if f.available_only and s.status.status is not ConnectorStatus.AVAILABLE:
            return False
        if f.favourites_only and not s.favourite:
            return False
        too_weak = s.max_power_kw is not None and s.max_power_kw < (f.min_power_kw or 0)
        if too_weak or (f.operator and s.operator != f.operator):
            return False
        plugs = self.vehicle_plugs
        if plugs and not any(fits(c, plugs) for c in s.connectors):
            return False
        if self.max_price_kwh is not None:
            price = cheapest_kwh(s, plugs)
            if price is None or (not price.free_of_charge and price.per_kwh > self.max_price_kwh):
                return False
        return True

    @property
    def vehicle_plugs(self) -> list[str]:
        """Plugs of the driver's car while "fits my car" is on, else none (no filter)."""
        return list(self.ctx.settings.vehicle_plugs) if self.fits_vehicle else []

    def _sorted(self, stations: list[Station]) -> list[Station]:
        plugs = self.vehicle_plugs
        if self.sort == "cheapest":
            return offers.cheapest_for_me(stations, offers.typical_session(self.ctx.settings))
        if self.sort == "price":

            def price_key(s: Station) -> tuple[float, float]:
                p = cheapest_kwh(s, plugs)
                kwh = float("inf") if p is None else (0.0 if p.free_of_charge else p.per_kwh)
                return kwh, s.distance_km or 0.0

            return sorted(stations, key=price_key)
        if self.sort == "power":
            return sorted(
                stations, key=lambda s: (-(max_power(s, plugs) or 0.0), s.distance_km or 0.0)
            )
        return sorted(stations, key=lambda s: s.distance_km or 0.0)

    async def search_this_area(self) -> None:
        await self.search(self.centre)

    def camera_moved(self, lat: float, lon: float, zoom: float) -> None:
        self.centre = Coordinates(latitude=lat, longitude=lon)
        zoom_changed = abs(zoom - self.zoom) > 0.01
        self.zoom = zoom
        far = geo.distance_km(self.centre, self.searched_centre) > self.radius_km * 0.3
        if far and not self.moved:
            self.moved = True
            self.notify()
        elif zoom_changed:
            self.notify()  # clusters change with zoom

    # ------------------------------------------------------------------ places
    def fly_to(self, centre: Coordinates, zoom: float) -> None:
        self.centre, self.zoom = centre, zoom
        self.camera_request = (centre, zoom)

    def take_camera_request(self) -> tuple[Coordinates, float] | None:
        request, self.camera_request = self.camera_request, None
        return request

    async def go_to_place(self, place: Place) -> None:
        self.places = []
        self.fly_to(place.coordinates, 13.0)
        await self.search(self.centre)

    async def search_place(self, text: str) -> bool:
        """Online geocoder where allowed (never on a kiosk), offline gazetteer always."""
        places = await geo.search_places(
            text, online=self.ctx.config.online_geocoding, limit=5, near=self.centre
        )
        if not places:
            self.error = self.ctx.t("map.place_not_found", place=text)
            self.notify()
            return False
        await self.go_to_place(places[0])
        return True

    async def near_me(self, latitude: float | None, longitude: float | None) -> bool:
        """Centre on the driver's position (None: the platform gave no position)."""
        if latitude is None or longitude is None:
            self.error = self.ctx.t("map.location_unavailable")
            self.notify()
            return False
        self.my_position = Coordinates(latitude=latitude, longitude=longitude)
        self.fly_to(self.my_position, 14.0)
        await self.search(self.centre)
        return True

    def zoom_by(self, delta: float) -> float:
        """Zoom buttons: one step in or out around the current centre."""
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom + delta))
        self.fly_to(self.centre, zoom)
        self.notify()
        return zoom

    # ------------------------------------------------------------------ EVSE ID
    async def find_evse(self, text: str) -> tuple[Station, Connector] | None:
        """The station and connector of the EVSE ID printed on a charger."""
        wanted = "".join(text.split()).upper()
        if not wanted:
            self.error = self.ctx.t("evse.empty")
            self.notify()
            return None
        try:
            station = await self.ctx.provider.station_by_evse_id(wanted)
        except NotFound:
            self.error = self.ctx.t("evse.not_found", evse=wanted)
            self.notify()
            return None
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
            self.notify()
            return None
        connector = next((c for c in station.connectors if (c.evse_id or "") == wanted), None)
        if connector is None:
            self.error = self.ctx.t("evse.not_found", evse=wanted)
            self.notify()
            return None
        self.error = None
        return station, connector

    async def find_evse_in_photo(self, data: bytes) -> tuple[Station, Connector] | None:
        """The connector whose QR code is in a photo of the charger."""
        try:
            # Decoding a phone photo takes a noticeable moment: off the UI's event loop.
            evse = await asyncio.to_thread(evse_from_image, data)
        except QrProblem as exc:
            self.error = self.ctx.t(exc.key)
            self.notify()
            return None
        return await self.find_evse(evse)

    # ------------------------------------------------------------------ preview
    def select(self, station: Station) -> None:
        self.preview = station
        self.notify()

    def close_preview(self) -> None:
        self.preview = None
        self.notify()

    def startable(self, station: Station) -> Connector | None:
        """The free connector the preview's Start button takes (the strongest that fits)."""
        if not self.ctx.can(Capability.CHARGING) or station.remote_start is False:
            return None
        free = [
            c
            for c in station.connectors
            if c.status is ConnectorStatus.AVAILABLE and fits(c, self.vehicle_plugs)
        ]
        return max(free, key=lambda c: c.max_power_kw or 0.0, default=None)

    # ------------------------------------------------------------------ filters
    @property
    def active_filter_count(self) -> int:
        f = self.filters
        return (
            len(f.plug_types)
            + (f.min_power_kw is not None)
            + (f.current_type is not None)
            + f.available_only
            + f.free_only
            + f.favourites_only
            + (f.operator is not None)
            + (self.max_price_kwh is not None)
            + bool(self.vehicle_plugs)
        )

    def set_operator(self, operator: str | None) -> None:
        self.filters.operator = operator or None

    def set_max_price(self, per_kwh: float | None) -> None:
        self.max_price_kwh = per_kwh

    def sort_orders(self) -> tuple[str, ...]:
        """Over several accounts the list can also put the cheapest for the driver first."""
        return (*SORT_ORDERS, CHEAPEST) if self.ctx.merged else SORT_ORDERS

    def set_sort(self, order: str) -> None:
        if order not in self.sort_orders():
            raise ValueError(f"sort order must be one of {self.sort_orders()}, not {order!r}")
        self.sort = order
        self.resort()

    def resort(self) -> None:
        """Order the list again (the typical session the prices are compared on changed)."""
        if self.sort not in self.sort_orders():
            self.sort = "distance"
        self.stations = self._sorted(self.stations)
        self.notify()

    def set_fits_vehicle(self, on: bool) -> None:
        self.fits_vehicle = on

    def set_vehicle_plugs(self, plugs: list[PlugType]) -> None:
        """The plugs of the driver's car, kept in the app's settings file."""
        self.ctx.settings.vehicle_plugs = sorted({p.value for p in plugs})
        self.ctx.save()
        self.fits_vehicle = bool(plugs)

    def toggle_plug(self, plug: PlugType) -> None:
        plugs = list(self.filters.plug_types)
        plugs.remove(plug) if plug in plugs else plugs.append(plug)
        self.filters.plug_types = plugs

    def set_min_power(self, kw: float | None) -> None:
        self.filters.min_power_kw = kw

    def set_current(self, current: CurrentType | None) -> None:
        self.filters.current_type = current

    def set_flag(self, name: str, value: bool) -> None:
        if name == "favourites_only" and value and not self.ctx.logged_in:
            self.error = self.ctx.t("map.favourites_need_login")
            self.notify()
            return
        setattr(self.filters, name, value)

    def clear_filters(self) -> None:
        self.filters = StationFilters()
        self.max_price_kwh = None
        self.fits_vehicle = False

    async def apply_filters(self) -> None:
        await self.search(self.searched_centre, self.radius_km)

    async def load_recent(self) -> None:
        """Ask the back end for the driver's recent stations; none when logged out or
        where it keeps no such list, and none (the map is still useful) when it fails."""
        if not (self.ctx.logged_in and self.ctx.can(Capability.RECENT_STATIONS)):
            self.recent = []
            return
        try:
            self.recent = await self.ctx.provider.recent_stations(limit=RECENT_LIMIT)
        except ProviderError as exc:
            log.info("recent stations not shown: %s", exc.code)
            self.recent = []
        self.notify()

    def forget_recent(self) -> None:
        self.recent = None
        self.notify()

    # ------------------------------------------------------------------ views
    def markers(self) -> list[MarkerItem]:
        return cluster(self.stations, self.zoom)

    def list_items(self) -> list[Station]:
        return self.stations[:LIST_LIMIT]  # kept sorted by distance

    def results_label(self) -> str:
        """The list's heading; says so when the list or the search stopped short."""
        if self.more or len(self.stations) > LIST_LIMIT:
            return self.ctx.t("map.results_more", n=len(self.list_items()))
        return self.ctx.t("map.results", n=len(self.stations))

    # ------------------------------------------------------------------ live status
    def restart_watch(self) -> None:
        if not self.ctx.can(Capability.LIVE_STATUS):
            return
        self.stop_watch()
        ids = [c.id for s in self.stations for c in s.connectors]
        # Connector ids are only unique within a station on some back ends; the provider
        # gives station-qualified ids when it needs to, so we pass them through unchanged.
        if ids:
            self._watch_task = asyncio.create_task(self._watch(ids))

    def stop_watch(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if self._watch_task:
            self._watch_task.cancel()
            self._watch_task = None

    async def _watch(self, ids: list[str]) -> None:
        try:
            async for change in self.ctx.provider.watch_status(ids):
                self.apply_status(change)
        except asyncio.CancelledError:
            raise
        except ProviderError as exc:
            log.warning("status feed ended: %s", exc.detail or exc.message)
        except Exception:
            log.exception("status feed failed")

    def subscribe_status(self, listener) -> None:
        """``listener(station_ids)``: statuses of these stations changed (coalesced)."""
        self._status_listeners.append(listener)

    def _schedule_flush(self) -> None:
        # A busy area can change status many times a second: tell the screen at most
        # every STATUS_COALESCE_S, with every station that changed meanwhile.
        if self._flush_handle is None:
            loop = asyncio.get_running_loop()
            self._flush_handle = loop.call_later(STATUS_COALESCE_S, self._flush)

    def _flush(self) -> None:
        self._flush_handle = None
        ids, self._changed_ids = self._changed_ids, set()
        for listener in list(self._status_listeners):
            try:
                listener(ids)
            except Exception:
                log.exception("status listener failed")

    def apply_status(self, change: StatusChange) -> bool:
        hit = False
        for s in self.stations:
            for c in s.connectors:
                if c.id == change.connector_id and (
                    change.status is not None and c.status != change.status
                ):
                    c.status = change.status
                    c.status_detail = change.status_detail
                    c.status_since = change.at
                    s.status = summarise(s)
                    self._changed_ids.add(s.id)
                    hit = True
        if hit:
            self.status_updates += 1
            with contextlib.suppress(RuntimeError):  # no loop: a plain unit test call
                self._schedule_flush()
        return hit

    async def close(self) -> None:
        self.stop_watch()
        with contextlib.suppress(Exception):
            await asyncio.sleep(0)
