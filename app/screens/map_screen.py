"""Map search: markers coloured by status, clusters, place search, filters, list."""

from __future__ import annotations

import asyncio
import logging

import flet as ft
import flet_map as fm

from app import format as fmt
from app.components.backend_badge import STATE_ICONS, badge_colour
from app.components.common import (
    error_banner,
    icon_button,
    is_mounted,
    safe_update,
    status_chip,
)
from app.components.evse_entry import evse_dialog
from app.components.map_filters import filters_dialog
from app.components.station_preview import price_text, station_preview
from app.components.tile_layer import base_layer, is_dark
from app.host import Host
from app.routes import station_route
from app.screens.base import Screen
from app.theme import STATUS_COLOURS
from app.viewmodels import offers
from app.viewmodels.clusters import MarkerItem, cluster_status
from app.viewmodels.map_vm import cheapest_kwh, max_power
from app.viewmodels.qr_code import MAX_IMAGE_BYTES
from services.models import Connector, ConnectorStatus, PlugType, Station
from services.provider import Capability
from services.settings import get_settings

try:  # "near me" where the platform gives a position (browser, phone)
    import flet_geolocator

    GEOLOCATION = True
except ImportError:
    GEOLOCATION = False

log = logging.getLogger(__name__)
LOCATION_TIMEOUT_S = 15.0
MARKER_W, MARKER_H = 58, 38

PLUG_ICONS = {
    PlugType.TYPE2: ft.Icons.ELECTRICAL_SERVICES,
    PlugType.CCS: ft.Icons.EV_STATION,
    PlugType.CHADEMO: ft.Icons.POWER,
    PlugType.SCHUKO: ft.Icons.OUTLET,
    PlugType.OTHER: ft.Icons.POWER,
}


class MapScreen(Screen):
    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.vm = host.map_vm
        self.vm.subscribe(self.on_vm)
        self.vm.subscribe_status(self.on_status)
        self._marker_index: list = []
        self._tiles: dict = {}
        self._rows: dict[str, ft.Semantics] = {}  # station id -> its row in the list
        self._listed: dict[str, Station] = {}  # station id -> as its row shows it
        self.marker_layer: fm.MarkerLayer | None = None
        self.position_layer: fm.MarkerLayer | None = None
        self.list_column: ft.ListView | None = None
        self.accounts_box: ft.Container | None = None
        self.area_button: ft.Control | None = None
        self.progress: ft.ProgressBar | None = None
        self.error: ft.Control | None = None
        self.map: fm.Map | None = None
        self.filter_badge: ft.Control | None = None
        self._last_markers_key = None

    # ------------------------------------------------------------------ build
    def on_show(self) -> None:
        page = self.host.page
        self.vm.view_size = (float(page.width or 1000), float(page.height or 700))
        if not self.vm.searched_once and not self.vm.busy:
            self.host.run(self.vm.search())
        if self.vm.recent is None:
            self.host.run(self.vm.load_recent())

    def content(self) -> ft.Control:
        t = self.t
        narrow = self.host.narrow
        self.vm.take_camera_request()  # the new map starts where the request points
        self.marker_layer = fm.MarkerLayer(markers=self.build_markers())
        layers: list = []
        # Online tiles (VOLTRA_TILE_URL) with the core's offline basemap behind them. No
        # on_image_error handler: offline, each failed tile would be one more event.
        dark = is_dark(self.ctx.settings.theme, self.host.page)
        if base := base_layer(get_settings().tile_url, self.ctx.config.base_url, dark=dark):
            layers.append(base)
        self.position_layer = fm.MarkerLayer(markers=self.position_markers())
        layers += [self.position_layer, self.marker_layer]
        self.map = fm.Map(
            expand=True,
            initial_center=fm.MapLatitudeLongitude(
                self.vm.centre.latitude, self.vm.centre.longitude
            ),
            initial_zoom=self.vm.zoom,
            min_zoom=4,
            max_zoom=19,
            bgcolor=ft.Colors.SURFACE_CONTAINER,
            layers=layers,
            on_position_change=self.on_position,
        )
        self.area_button = ft.Container(
            content=ft.FilledTonalButton(
                t("map.search_area"),
                icon=ft.Icons.REFRESH,
                on_click=lambda e: self.host.run(self.vm.search_this_area()),
                tooltip=t("map.search_area"),
            ),
            visible=self.vm.moved,
            alignment=ft.Alignment.TOP_CENTER,
        )
        self.progress = ft.ProgressBar(visible=self.vm.busy, height=3)
        # Placed below the search bar, never over it: a layer over the bar would hide its
        # buttons from taps and screen readers
        self.error = ft.Container(
            error_banner(self.vm.error),
            padding=ft.Padding.symmetric(horizontal=12),
            visible=bool(self.vm.error),
        )
        legend = ft.Container(
            content=ft.Row(
                [
                    ft.Row(
                        [
                            ft.Container(
                                width=10, height=10, border_radius=10, bgcolor=STATUS_COLOURS[s]
                            ),
                            ft.Text(t(f"status.{s.value}"), size=11),
                        ],
                        spacing=4,
                        tight=True,
                    )
                    for s in ConnectorStatus
                ],
                spacing=10,
                tight=True,
                wrap=True,
            ),
            bgcolor=ft.Colors.with_opacity(0.9, ft.Colors.SURFACE),
            border_radius=12,
            padding=ft.Padding.symmetric(horizontal=10, vertical=6),
            left=12,
            bottom=12,
        )
        overlay = ft.Stack(
            [
                ft.Semantics(
                    label=t("map.map_label"), container=True, content=self.map, expand=True
                ),
                ft.Container(self.search_bar(), left=12, right=12, top=12),
                ft.Container(self.progress, left=0, right=0, top=0),
                ft.Container(self.area_button, left=0, right=0, top=84),
                ft.Container(self.error, left=0, right=0, top=140),
                legend,
                self.zoom_buttons(),
            ],
            expand=True,
        )
        if narrow:
            # The list (with its account line) is a tap away: the map shows the accounts
            # over the legend
            self.map_accounts_box = ft.Container(
                self.account_progress(),
                left=12,
                right=72,
                bottom=52,
                visible=bool(self.vm.account_states),
                bgcolor=ft.Colors.with_opacity(0.9, ft.Colors.SURFACE),
                border_radius=12,
                padding=ft.Padding.symmetric(horizontal=10, vertical=6),
            )
            overlay.controls.append(self.map_accounts_box)
        self.list_column = ft.ListView(
            controls=self.build_list(), spacing=8, padding=12, expand=True
        )
        self.results_text = ft.Text(
            self.vm.results_label(), weight=ft.FontWeight.W_600
        )
        self.accounts_box = ft.Container(
            self.account_progress(),
            padding=ft.Padding.only(left=16, right=12),
            visible=bool(self.vm.account_states),
        )
        list_panel = ft.Column(
            [
                ft.Container(
                    self.results_text,
                    padding=ft.Padding.only(left=16, top=14),
                ),
                self.accounts_box,
                self.list_column,
            ],
            expand=True,
            spacing=0,
        )
        if narrow:
            if self.vm.show_list:
                return ft.Column(
                    [
                        ft.Container(self.search_bar(), padding=12),
                        self.progress,
                        ft.Container(
                            error_banner(self.vm.error),
                            visible=bool(self.vm.error),
                            padding=ft.Padding.symmetric(horizontal=12),
                        ),
                        list_panel,
                    ],
                    expand=True,
                    spacing=0,
                )
            return overlay
        return ft.Row(
            [overlay, ft.VerticalDivider(width=1), ft.Container(list_panel, width=380)],
            expand=True,
            spacing=0,
            vertical_alignment=ft.CrossAxisAlignment.STRETCH,
        )

    def search_bar(self) -> ft.Control:
        t = self.t
        field = ft.TextField(
            label=t("map.place_search"),
            prefix_icon=ft.Icons.SEARCH,
            border=ft.InputBorder.NONE,
            dense=True,
            expand=True,
            on_submit=lambda e: self.host.run(self.vm.search_place(e.control.value or "")),
        )
        n = self.vm.active_filter_count
        self.filter_badge = icon_button(
            ft.Icons.TUNE,
            t("map.filters_active", n=n) if n else t("map.filters"),
            lambda e: self.open_filters(),
            badge=str(n) if n else None,
        )
        actions: list[ft.Control] = [self.filter_badge]
        if self.ctx.can(Capability.EVSE_LOOKUP):
            actions.insert(
                0, icon_button(ft.Icons.QR_CODE_2, t("evse.open"), lambda e: self.open_evse())
            )
        if GEOLOCATION and not self.ctx.config.kiosk:  # a kiosk stands still
            actions.insert(
                0,
                icon_button(
                    ft.Icons.MY_LOCATION, t("map.near_me"), lambda e: self.host.run(self.near_me())
                ),
            )
        if self.host.narrow:
            actions.append(
                icon_button(
                    ft.Icons.MAP if self.vm.show_list else ft.Icons.LIST,
                    t("map.show_map") if self.vm.show_list else t("map.show_list"),
                    lambda e: self.toggle_list(),
                )
            )
        return ft.Container(
            content=ft.Row([field, *actions], spacing=4),
            bgcolor=ft.Colors.SURFACE,
            border_radius=28,
            padding=ft.Padding.only(left=4, right=4, top=4, bottom=4),
            shadow=ft.BoxShadow(blur_radius=8, color=ft.Colors.with_opacity(0.2, "#000000")),
        )

    # ------------------------------------------------------------------ markers
    def build_markers(self) -> list[fm.Marker]:
        self._marker_index = []
        return [self.marker(item) for item in self.vm.markers()]

    def marker(self, item: MarkerItem) -> fm.Marker:
        colour = STATUS_COLOURS[item.status]
        if item.is_cluster:
            size = 34 + min(20, item.count)
            # The count is drawn; the tooltip (the button's name) says it in words
            symbol: ft.Control = ft.Semantics(
                exclude_semantics=True,
                content=ft.Text(
                    str(item.count), color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD, size=13
                ),
            )
            label = self.t("map.cluster", n=item.count)
            action = lambda e, it=item: self.host.run(self.zoom_into(it))  # noqa: E731
            ring = ft.Border.all(3, ft.Colors.with_opacity(0.5, ft.Colors.WHITE))
        else:
            return self.station_marker(item, colour)
        content = ft.Container(
            content=symbol,
            alignment=ft.Alignment.CENTER,
            bgcolor=colour,
            border_radius=size,
            border=ring,
            tooltip=label,
            on_click=action,
        )
        self._marker_index.append((item, content))
        return fm.Marker(
            # One node: a button named by its tooltip, keeping its tap and keyboard focus
            content=ft.MergeSemantics(content=ft.Semantics(button=True, content=content)),
            coordinates=fm.MapLatitudeLongitude(item.latitude, item.longitude),
            width=size,
            height=size,
        )

    def station_marker(self, item: MarkerItem, colour: str) -> fm.Marker:
        """A pill with the station's power and price, so drivers compare without tapping."""
        station = item.stations[0]
        lang = self.ctx.settings.language
        plugs = self.vm.vehicle_plugs
        power = (
            fmt.power_rating(max_power(station, plugs), lang) if max_power(station, plugs) else ""
        )
        tariff = cheapest_kwh(station, plugs)
        price = (
            fmt.money(tariff.per_kwh, tariff.currency, lang)
            if tariff and not tariff.free_of_charge
            else (self.t("station.free") if tariff else "")
        )
        label = self.t(
            "map.marker_preview",
            name=station.name,
            status=self.badge_text(station),
            power=power or "-",
            price=price_text(self.t, station, plugs, lang),
        )
        lines = [
            ft.Text(power or "?", color=ft.Colors.WHITE, size=12, weight=ft.FontWeight.BOLD),
        ]
        if price:
            lines.append(ft.Text(price, color=ft.Colors.WHITE, size=10))
        content = ft.Container(
            content=ft.Semantics(
                exclude_semantics=True,
                content=ft.Column(
                    lines,
                    spacing=0,
                    tight=True,
                    horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                ),
            ),
            alignment=ft.Alignment.CENTER,
            bgcolor=colour,
            border_radius=12,
            border=ft.Border.all(2, ft.Colors.WHITE),
            tooltip=label,
            on_click=lambda e, s=station: self.show_preview(s),
        )
        self._marker_index.append((item, content))
        return fm.Marker(
            content=ft.MergeSemantics(content=ft.Semantics(button=True, content=content)),
            coordinates=fm.MapLatitudeLongitude(item.latitude, item.longitude),
            width=MARKER_W,
            height=MARKER_H,
        )

    def position_markers(self) -> list[fm.Marker]:
        """The blue "you are here" dot, once the platform gave a position."""
        pos = self.vm.my_position
        if pos is None:
            return []
        dot = ft.Container(
            width=20,
            height=20,
            border_radius=20,
            bgcolor="#2563EB",
            border=ft.Border.all(3, ft.Colors.WHITE),
            shadow=ft.BoxShadow(blur_radius=6, color=ft.Colors.with_opacity(0.4, "#2563EB")),
        )
        return [
            fm.Marker(
                content=ft.Semantics(
                    identifier="you-are-here", label=self.t("map.you_are_here"), content=dot
                ),
                coordinates=fm.MapLatitudeLongitude(pos.latitude, pos.longitude),
                width=20,
                height=20,
            )
        ]

    def zoom_buttons(self) -> ft.Control:
        def zoom(delta: float) -> None:
            self.vm.zoom_by(delta)

        return ft.Container(
            ft.Column(
                [
                    icon_button(ft.Icons.ADD, self.t("map.zoom_in"), lambda e: zoom(1)),
                    icon_button(ft.Icons.REMOVE, self.t("map.zoom_out"), lambda e: zoom(-1)),
                ],
                spacing=0,
                tight=True,
            ),
            bgcolor=ft.Colors.SURFACE,
            border_radius=24,
            shadow=ft.BoxShadow(blur_radius=6, color=ft.Colors.with_opacity(0.2, "#000000")),
            right=12,
            bottom=12,
        )

    async def zoom_into(self, item: MarkerItem) -> None:
        if self.map is None:
            return
        zoom = min(19.0, self.vm.zoom + 2)
        await self.map.move_to(
            destination=fm.MapLatitudeLongitude(item.latitude, item.longitude), zoom=zoom
        )

    # ------------------------------------------------------------------ list
    def build_list(self) -> list[ft.Control]:
        if not self.vm.stations and self.vm.searched_once and not self.vm.busy:
            return [
                ft.Container(
                    ft.Text(self.t("map.no_results"), color=ft.Colors.ON_SURFACE_VARIANT),
                    padding=16,
                )
            ]
        self._tiles = {}
        rows = [self.station_tile(s) for s in self.vm.list_items()]
        shown = {s.id for s in self.vm.list_items()}
        self._rows = {k: v for k, v in self._rows.items() if k in shown}
        self._listed = {k: v for k, v in self._listed.items() if k in shown}
        return [*self.recent_list(), *rows]

    def recent_list(self) -> list[ft.Control]:
        """The stations the driver used last, above the search results."""
        if not self.vm.recent:
            return []
        t = self.t
        rows: list[ft.Control] = [
            ft.Text(t("map.recent"), weight=ft.FontWeight.W_600, color=ft.Colors.PRIMARY)
        ]
        for s in self.vm.recent:
            tile = ft.Container(
                content=ft.Row(
                    [
                        ft.Icon(ft.Icons.HISTORY, color=ft.Colors.PRIMARY, size=20),
                        ft.Column(
                            [
                                ft.Text(
                                    s.name,
                                    weight=ft.FontWeight.W_600,
                                    max_lines=1,
                                    overflow=ft.TextOverflow.ELLIPSIS,
                                ),
                                ft.Text(
                                    s.address.one_line(),
                                    size=12,
                                    color=ft.Colors.ON_SURFACE_VARIANT,
                                    max_lines=1,
                                    overflow=ft.TextOverflow.ELLIPSIS,
                                ),
                            ],
                            spacing=2,
                            expand=True,
                            tight=True,
                        ),
                        self.badge(s),
                    ],
                    spacing=12,
                ),
                padding=ft.Padding.symmetric(horizontal=10, vertical=8),
                border_radius=12,
                bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
                on_click=lambda e, st=s: self.open_station(st),
                ink=True,
            )
            rows.append(
                ft.Semantics(
                    identifier="recent-station",
                    label=t("map.recent_station", name=s.name),
                    button=True,
                    container=True,
                    content=tile,
                )
            )
        rows.append(ft.Divider(height=8))
        return rows

    def station_tile(self, s: Station) -> ft.Control:
        t = self.t
        units, lang = self.ctx.settings.units, self.ctx.settings.language
        plugs = sorted({c.plug_type for c in s.connectors}, key=lambda p: p.value)
        power = max_power(s, self.vm.vehicle_plugs) or 0
        colour = STATUS_COLOURS[s.status.status]
        chip_box = ft.Container(self.badge(s))
        power_box = ft.Container(
            content=ft.Column(
                [
                    ft.Icon(ft.Icons.BOLT, color=ft.Colors.WHITE, size=18),
                    ft.Text(
                        f"{power:.0f}",
                        color=ft.Colors.WHITE,
                        size=12,
                        weight=ft.FontWeight.BOLD,
                    ),
                    ft.Text("kW", color=ft.Colors.WHITE, size=9),
                ],
                spacing=0,
                tight=True,
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            ),
            bgcolor=colour,
            width=52,
            height=60,
            border_radius=14,
            alignment=ft.Alignment.CENTER,
        )
        self._tiles[s.id] = (power_box, chip_box)
        row = ft.Row(
            [
                power_box,
                ft.Column(
                    [
                        ft.Text(
                            s.name,
                            weight=ft.FontWeight.W_600,
                            max_lines=1,
                            overflow=ft.TextOverflow.ELLIPSIS,
                        ),
                        ft.Text(
                            " · ".join(
                                x
                                for x in (
                                    fmt.distance(s.distance_km, units, lang),
                                    s.address.one_line(),
                                )
                                if x
                            ),
                            size=12,
                            color=ft.Colors.ON_SURFACE_VARIANT,
                            max_lines=1,
                            overflow=ft.TextOverflow.ELLIPSIS,
                        ),
                        ft.Text(
                            self.best_offer_text(s)
                            or price_text(t, s, self.vm.vehicle_plugs, lang),
                            size=12,
                            weight=ft.FontWeight.W_600,
                            color=ft.Colors.PRIMARY,
                        ),
                        ft.Row(
                            [
                                chip_box,
                                ft.Text(
                                    " ".join(t(f"plug.{p.value}") for p in plugs),
                                    size=11,
                                    color=ft.Colors.ON_SURFACE_VARIANT,
                                ),
                            ],
                            spacing=6,
                            wrap=True,
                        ),
                    ],
                    spacing=3,
                    expand=True,
                    tight=True,
                ),
                ft.Icon(ft.Icons.STAR, color=ft.Colors.AMBER, size=18, visible=s.favourite),
            ],
            spacing=12,
        )
        # A station keeps its row (the control a tap is addressed to) through every redraw
        # while the accounts' answers arrive; only what the row shows is replaced. A new row
        # per redraw lost the tap that reached the app after the list was drawn again.
        self._listed[s.id] = s
        shell = self._rows.get(s.id)
        if shell is None:
            tile = ft.Container(
                padding=10,
                border_radius=16,
                bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
                on_click=lambda e, sid=s.id: self.open_listed(sid),
                ink=True,
            )
            shell = ft.Semantics(identifier="station-item", button=True, content=tile,
                                 container=True)
            self._rows[s.id] = shell
        shell.label = s.name
        shell.content.content = row
        return shell

    def account_progress(self) -> ft.Control:
        """Per account: still loading, answered, or failed (never waited for)."""
        t = self.t
        ids = self.ctx.account_ids()
        chips: list[ft.Control] = []
        for account_id, name, kind, detail in self.vm.account_progress():
            icon, colour = STATE_ICONS.get(kind, STATE_ICONS["ready"])
            said = t(f"services.state.{kind}")
            label = f"{name}: {said}" + (f" ({detail})" if kind == "failed" and detail else "")
            chips.append(
                ft.Semantics(
                    identifier=f"search-{account_id}",
                    label=label,
                    container=True,
                    content=ft.Row(
                        [
                            ft.ProgressRing(width=12, height=12, stroke_width=2)
                            if kind == "loading"
                            else ft.Icon(icon, size=14, color=colour),
                            ft.Text(name, size=11, color=badge_colour(ids, account_id)),
                        ],
                        spacing=4,
                        tight=True,
                        tooltip=label,
                    ),
                )
            )
        return ft.Row(chips, spacing=10, run_spacing=4, wrap=True)

    def best_offer_text(self, s: Station) -> str | None:
        """Over several accounts: the cheapest typical session here, and with whom."""
        if not self.ctx.merged:
            return None
        best = offers.best_offer(s, offers.typical_session(self.ctx.settings))
        if best is None or best.typical_cost is None:
            return None
        lang = self.ctx.settings.language
        return self.t(
            "offer.best",
            price=fmt.money(best.typical_cost.total, best.typical_cost.currency, lang),
            name=self.ctx.account_name(best.account_id) or best.account_id,
        )

    def badge_text(self, s: Station) -> str:
        t = self.t
        if s.status.total:
            return t("map.free_of", free=s.status.available, total=s.status.total)
        return t(f"status.{s.status.status.value}")

    def badge(self, s: Station) -> ft.Control:
        return status_chip(self.t, s.status.status, self.badge_text(s))

    def on_status(self, station_ids: set[str]) -> None:
        """Live status: recolour the affected markers and list rows in place (rebuilding
        hundreds of markers per status event would swamp the page)."""
        changed: list[ft.Control] = []
        by_id = {s.id: s for s in self.vm.stations}
        for item, content in getattr(self, "_marker_index", []):
            if any(st.id in station_ids for st in item.stations):
                members = [by_id.get(st.id, st) for st in item.stations]
                status = cluster_status(members)
                colour = STATUS_COLOURS[status]
                if content.bgcolor != colour:
                    content.bgcolor = colour
                    changed.append(content)
        for sid in station_ids:
            entry = getattr(self, "_tiles", {}).get(sid)
            station = by_id.get(sid)
            if entry is None or station is None:
                continue
            box, chip_box = entry
            box.bgcolor = STATUS_COLOURS[station.status.status]
            chip_box.content = self.badge(station)
            changed += [box, chip_box]
        if changed:
            safe_update(*changed)

    # ------------------------------------------------------------------ actions
    def open_listed(self, station_id: str) -> None:
        station = self._listed.get(station_id)
        if station is not None:
            self.open_station(station)

    def open_station(self, s: Station) -> None:
        self.host.station_seed = s
        self.host.go(station_route(s.id))

    def toggle_list(self) -> None:
        self.vm.show_list = not self.vm.show_list
        self.redraw()

    def on_position(self, e) -> None:
        if getattr(e, "has_gesture", False):
            self.host.touch()
        self.vm.camera_moved(e.coordinates.latitude, e.coordinates.longitude, e.camera.zoom)

    def on_resize(self) -> None:
        page = self.host.page
        self.vm.view_size = (float(page.width or 1000), float(page.height or 700))

    def on_vm(self) -> None:
        """Update only what changed: markers, list, the banner and the area button."""
        if self.root is None or self.marker_layer is None:
            return
        log.debug("map redraw: %d stations", len(self.vm.stations))
        self.marker_layer.markers = self.build_markers()
        if self.position_layer is not None:
            self.position_layer.markers = self.position_markers()
        if self.list_column is not None:
            self.list_column.controls = self.build_list()
            self.results_text.value = self.vm.results_label()
        if self.area_button is not None:
            self.area_button.visible = self.vm.moved and not self.vm.busy
        if self.progress is not None:
            self.progress.visible = self.vm.busy
        for box in (self.accounts_box, getattr(self, "map_accounts_box", None)):
            if box is not None:
                box.content = self.account_progress()
                box.visible = bool(self.vm.account_states)
        if self.error is not None:
            self.error.visible = bool(self.vm.error)
            self.error.content = error_banner(self.vm.error)
        safe_update(self.root)
        self.follow_camera()

    def follow_camera(self) -> None:
        """Fly the map to a place or position the view model asked for. A map that is not
        on the page (the phone shows the list) cannot move; it is rebuilt there later."""
        if self.map is None or not is_mounted(self.map) or self.vm.camera_request is None:
            return
        centre, zoom = self.vm.take_camera_request()
        self.host.run(
            self.map.move_to(
                destination=fm.MapLatitudeLongitude(centre.latitude, centre.longitude), zoom=zoom
            )
        )

    async def near_me(self) -> None:
        """Ask the platform for the position (browser/phone permission prompt)."""
        lat = lon = None
        try:
            locator = flet_geolocator.Geolocator()
            await locator.request_permission()
            pos = await asyncio.wait_for(locator.get_current_position(), LOCATION_TIMEOUT_S)
            lat, lon = pos.latitude, pos.longitude
        except Exception as exc:  # denied, no GPS, unsupported platform, timeout
            log.info("no position: %s", type(exc).__name__)
        await self.vm.near_me(lat, lon)

    # ------------------------------------------------------------------ filters
    def open_filters(self) -> None:
        page = self.host.page

        async def apply() -> None:
            page.pop_dialog()
            self.redraw()
            await self.vm.apply_filters()

        def clear() -> None:
            self.vm.clear_filters()
            page.pop_dialog()
            self.redraw()
            self.host.run(self.vm.apply_filters())

        page.show_dialog(
            filters_dialog(
                self.t,
                self.vm,
                self.ctx.settings.language,
                on_apply=lambda: self.host.run(apply()),
                on_clear=clear,
            )
        )
        safe_update(page)

    # ------------------------------------------------------------------ EVSE ID
    def open_evse(self) -> None:
        page = self.host.page

        async def submit(text: str) -> None:
            await go(await self.vm.find_evse(text))

        async def scan() -> None:
            photo = await self.pick_photo()
            if photo is not None:
                await go(await self.vm.find_evse_in_photo(photo))

        async def go(found: tuple[Station, Connector] | None) -> None:
            page.pop_dialog()
            if found is None:
                return
            station, connector = found
            self.host.station_seed = station
            free = connector.status is ConnectorStatus.AVAILABLE
            if free and self.ctx.can(Capability.CHARGING) and station.remote_start is not False:
                self.start(station, connector)
            else:
                self.host.snack(self.t("evse.busy", evse=connector.evse_id))
                self.host.go(station_route(station.id))

        page.show_dialog(
            evse_dialog(
                self.t,
                lambda text: self.host.run(submit(text)),
                page.pop_dialog,
                # A kiosk has no camera for the driver; its screen takes the typed ID only.
                on_scan=None if self.ctx.config.kiosk else lambda: self.host.run(scan()),
                big=self.ctx.config.kiosk,
            )
        )
        safe_update(page)

    async def pick_photo(self) -> bytes | None:
        """A photo from the device: on a phone the picker offers the camera."""
        try:
            files = await ft.FilePicker().pick_files(
                dialog_title=self.t("evse.scan_hint"),
                file_type=ft.FilePickerFileType.IMAGE,
                with_data=True,
            )
        except Exception as exc:  # a platform without a picker: say so, keep the dialog
            log.warning("photo picker unavailable: %s", exc)
            self.host.snack(self.t("qr.no_picker"))
            return None
        if not files:
            return None
        photo = files[0]
        if photo.bytes is None and photo.path:
            # A native picker may hand over a path only; one byte over the bound is enough
            # for the view model to refuse it.
            return await asyncio.to_thread(_read_bounded, photo.path, MAX_IMAGE_BYTES + 1)
        # The view model bounds and checks what came: size, format, a code in it.
        return photo.bytes or b""

    def start(self, station: Station, connector: Connector) -> None:
        self.host.run(self.host.charging_vm.prepare(station, connector))
        self.host.go("/charging")

    # ------------------------------------------------------------------ preview
    def show_preview(self, station: Station) -> None:
        self.vm.select(station)
        page = self.host.page
        sheet: ft.BottomSheet | None = None

        def close() -> None:
            self.vm.close_preview()
            page.pop_dialog()

        def details() -> None:
            close()
            self.open_station(station)

        def start(connector: Connector) -> None:
            close()
            self.start(station, connector)

        sheet = ft.BottomSheet(
            content=station_preview(
                self.t,
                station,
                plugs=self.vm.vehicle_plugs,
                language=self.ctx.settings.language,
                startable=self.vm.startable(station),
                on_start=start,
                on_details=details,
                on_close=close,
                big=self.ctx.config.kiosk,
            ),
            show_drag_handle=True,
            on_dismiss=lambda e: self.vm.close_preview(),
        )
        page.show_dialog(sheet)
        safe_update(page)


def _read_bounded(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(limit)
    except OSError:
        return b""  # the view model says the file is no photo it can read
