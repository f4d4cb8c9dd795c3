"""The app shell: routing, responsive navigation, theme, kiosk idle reset."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable

import flet as ft

from app.components.common import safe_update, show_snack
from app.components.kiosk_parts import still_there_dialog
from app.components.session_banner import SessionBanner
from app.context import AppContext
from app.routes import route_id
from app.screens.account_screen import AccountScreen, RegisterScreen
from app.screens.cards_screen import CardsScreen
from app.screens.charging_screen import ChargingScreen
from app.screens.fleet_screen import FleetScreen
from app.screens.history_screen import HistoryScreen, SessionDetailScreen
from app.screens.kiosk_screen import KioskSiteScreen
from app.screens.map_screen import MapScreen
from app.screens.notice_screen import NoticeScreen
from app.screens.services_screen import ServicesScreen
from app.screens.station_screen import StationScreen
from app.theme import NARROW_MAX, dark_theme, theme, theme_mode
from app.viewmodels.account_vm import AccountViewModel
from app.viewmodels.cards_vm import CardsViewModel
from app.viewmodels.charging_vm import ChargingViewModel
from app.viewmodels.fleet_vm import FleetViewModel
from app.viewmodels.free_alert import FreeAlerts
from app.viewmodels.history_vm import HistoryViewModel
from app.viewmodels.kiosk import IdleTimer, WedgeReader
from app.viewmodels.map_vm import MapViewModel
from app.viewmodels.payment_vm import PaymentViewModel
from app.viewmodels.services_vm import ChargingServicesViewModel
from services.models import Station
from services.provider import Capability

log = logging.getLogger(__name__)

TABS = ("/map", "/charging", "/cards", "/history", "/fleet", "/account")
TAB_ICONS = (
    (ft.Icons.MAP_OUTLINED, ft.Icons.MAP),
    (ft.Icons.EV_STATION_OUTLINED, ft.Icons.EV_STATION),
    (ft.Icons.CREDIT_CARD_OUTLINED, ft.Icons.CREDIT_CARD),
    (ft.Icons.HISTORY_OUTLINED, ft.Icons.HISTORY),
    (ft.Icons.GROUPS_OUTLINED, ft.Icons.GROUPS),
    (ft.Icons.PERSON_OUTLINE, ft.Icons.PERSON),
)
TAB_KEYS = ("nav.map", "nav.charging", "nav.cards", "nav.history", "nav.fleet", "nav.account")
# Tabs shown only when the back end offers this
TAB_NEEDS = {"/fleet": Capability.FLEET}
# Tabs a driver looks in even when the back end cannot do it: they say why instead
TAB_NOTICES = {
    "/charging": (Capability.CHARGING, ft.Icons.EV_STATION, "notice.no_charging"),
    "/cards": (Capability.CARDS, ft.Icons.CREDIT_CARD_OFF, "notice.no_cards"),
}


class Shell:
    """The window: implements app.host.Host for the screens it shows."""

    def __init__(self, page: ft.Page, ctx: AppContext) -> None:
        self.page, self.ctx = page, ctx
        self.map_vm = MapViewModel(ctx)
        self.charging_vm = ChargingViewModel(ctx)
        self.cards_vm = CardsViewModel(ctx)
        self.history_vm = HistoryViewModel(ctx)
        self.account_vm = AccountViewModel(ctx)
        self.services_vm = ChargingServicesViewModel(ctx)
        self.fleet_vm = FleetViewModel(ctx)
        self.payment_vm = PaymentViewModel(ctx)
        # A paid charge has started: the charging tab picks the running session up
        self.payment_vm.on_started = lambda session_id: self.charging_vm.resume()
        self.free_alerts = FreeAlerts(ctx, self.on_station_freed)
        self.screens = {
            "/map": KioskSiteScreen(self, ctx.config.kiosk_site)
            if ctx.config.kiosk_site
            else MapScreen(self),
            "/charging": ChargingScreen(self),
            "/cards": CardsScreen(self),
            "/history": HistoryScreen(self),
            "/fleet": FleetScreen(self, self.fleet_vm),
            "/account": AccountScreen(self),
        }
        self.narrow = self._is_narrow()
        self.wedge = WedgeReader()
        self.idle = IdleTimer(ctx.config.idle_timeout_s, self.on_idle, on_warn=self.on_idle_warning)
        self._tasks: set[asyncio.Task] = set()
        self._current_detail = None
        self.station_seed = None  # the list/marker station, shown while detail loads
        ctx.subscribe(self.on_ctx_event)
        self.banner = SessionBanner(
            self.charging_vm, lambda: ctx.t, lambda: ctx.settings.language,
            lambda: self.go("/charging"),
        )
        self.charging_vm.subscribe(self.banner.refresh)
        self.charging_vm.on_notice = self.snack

    # ------------------------------------------------------------------ set-up
    def start(self) -> None:
        page = self.page
        page.title = "Voltra"
        page.theme = theme(self.ctx.config.kiosk)
        page.dark_theme = dark_theme(self.ctx.config.kiosk)
        page.theme_mode = theme_mode(self.ctx.settings.theme)
        page.padding = 0
        page.on_route_change = self.on_route_change
        page.on_view_pop = self.on_view_pop
        page.on_resize = self.on_resize
        page.on_keyboard_event = self.on_key
        # A browser tab that goes away keeps its session for a while (it may come back):
        # stop the live feeds meanwhile, and end everything when the session closes.
        page.on_disconnect = lambda e: self.pause()
        page.on_connect = lambda e: self.resume()
        page.on_close = lambda e: self.close()
        if self.ctx.config.kiosk:
            page.window.full_screen = True
            self.idle.start()
        route = page.route if page.route not in ("", "/") else "/map"
        self.render(route)
        page.update()
        if page.route != route:
            # the address bar names the screen on show (a reload or a shared link keeps it)
            page.navigate(route)

    def pause(self) -> None:
        self.map_vm.stop_watch()
        self.charging_vm.stop_polling()

    def resume(self) -> None:
        self.map_vm.restart_watch()
        self.charging_vm.resume_polling()

    def close(self) -> None:
        self.idle.stop()
        self.free_alerts.close()
        self.map_vm.stop_watch()
        self.charging_vm.stop_polling()
        for task in list(self._tasks):
            task.cancel()

        async def close_provider():
            try:
                await self.ctx.provider.close()
            except Exception:
                log.debug("provider close failed", exc_info=True)

        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(close_provider())

    # ------------------------------------------------------------------ helpers
    def run(self, coro: Awaitable) -> None:
        """Run a view-model coroutine from a tap; errors end up on the view model."""
        self.touch()
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception():
                log.error("action failed", exc_info=t.exception())

        task.add_done_callback(done)

    def touch(self) -> None:
        self.idle.touch()

    def go(self, route: str) -> None:
        log.debug("go %s", route)
        self.touch()
        self.page.navigate(route)

    def on_station_freed(self, station: Station) -> None:
        self.snack(self.ctx.t("notify.freed", name=station.name))
        if self._current_detail is not None:
            self._current_detail.redraw()  # a station on show: its alert is off now

    def snack(self, text: str | None) -> None:
        if text:
            show_snack(self.page, text)

    def _is_narrow(self) -> bool:
        width = self.page.width or 1024
        return width < NARROW_MAX

    # ------------------------------------------------------------------ events
    def on_resize(self, e) -> None:
        narrow = self._is_narrow()
        if narrow != self.narrow:
            self.narrow = narrow
            self.render(self.page.route)
            self.page.update()
        else:
            self.screens["/map"].on_resize()

    def on_key(self, e: ft.KeyboardEvent) -> None:
        self.touch()
        uid = self.wedge.feed(e.key)
        if uid:
            self.screens["/map"].on_wedge_uid(uid)
            self.screens["/charging"].on_wedge_uid(uid)
            self.screens["/cards"].on_wedge_uid(uid)

    def on_idle_warning(self, seconds: float) -> None:
        def stay() -> None:
            self.touch()
            self.page.pop_dialog()

        self.page.show_dialog(still_there_dialog(self.ctx.t, seconds, stay))
        self.page.update()

    async def on_idle(self) -> None:
        """Kiosk: after the idle timeout, log out and go back to the map."""
        log.info("kiosk idle: resetting")
        self.charging_vm.reset()
        self.free_alerts.close()
        self.payment_vm.reset()
        self.cards_vm.cards = []
        self.history_vm.sessions = []
        self.account_vm.email_draft = ""
        if self.ctx.profile is not None or self.ctx.provider.is_logged_in:
            try:
                await self.ctx.sign_out()
            except Exception:
                log.warning("logout on idle failed", exc_info=True)
                self.ctx.profile = None
        for _ in range(5):
            try:
                self.page.pop_dialog()
            except Exception:
                break
        # Through the router, so the page's idea of the current route stays right
        if self.page.route != "/map":
            await self.page.push_route("/map")
        else:
            self.render("/map")
            self.page.update()

    def on_ctx_event(self, event: str) -> None:
        if event == "theme":
            self.page.theme_mode = theme_mode(self.ctx.settings.theme)
            self.page.update()
        elif event in ("language", "units", "provider", "typical", "accounts"):
            self.render(self.page.route)
            self.page.update()
            if event == "typical":
                self.map_vm.resort()
            if event == "provider":
                self.fleet_vm.reset()
                self.map_vm.forget_recent()
                self.run(self.map_vm.search())
        elif event == "login":
            self.run(self.charging_vm.after_login())
            self.run(self.cards_vm.load())
            self.run(self.map_vm.load_recent())
        elif event == "logout":
            self.map_vm.forget_recent()
            self.charging_vm.reset()
            self.payment_vm.reset()
            self.cards_vm.cards = []
            self.history_vm.sessions = []
            self.history_vm.per_account = {}
            self.fleet_vm.reset()
            self.render(self.page.route)
            self.page.update()

    def on_route_change(self, e: ft.RouteChangeEvent) -> None:
        log.debug("route change to %s", e.route)
        self.touch()
        self.render(e.route)

    async def on_view_pop(self, e: ft.ViewPopEvent) -> None:
        popped = e.view.route if e.view is not None else e.route
        log.debug("view pop %s (page at %s)", popped, self.page.route)
        if len(self.page.views) > 1 and self.page.route == popped:
            self.page.views.pop()
            top = self.page.views[-1]
            await self.page.push_route(top.route)
        # else: the driver already went elsewhere (a tab) while the view was closing

    # ------------------------------------------------------------------ views
    def tabs(self) -> list[int]:
        """Indexes into TABS of the tabs this back end has."""
        return [
            i for i, tab in enumerate(TABS) if tab not in TAB_NEEDS or self.ctx.can(TAB_NEEDS[tab])
        ]

    def tab_index(self, route: str) -> int:
        for i in self.tabs():
            tab = TABS[i]
            if route == tab or route.startswith(tab + "/"):
                return i
        return 0

    def tab_screen(self, base: str):
        notice = TAB_NOTICES.get(base)
        if notice and not self.ctx.can(notice[0]):
            return NoticeScreen(self, TAB_KEYS[TABS.index(base)], notice[1], notice[2])
        return self.screens[base]

    def render(self, route: str) -> None:
        if self._current_detail is not None:
            close = getattr(self._current_detail, "close", None)
            if close:
                close()
            self._current_detail = None
        base = TABS[self.tab_index(route)]
        views = [self.tab_view(base)]
        detail = self.detail_view(route)
        if detail is not None:
            views.append(detail)
        self.page.views.clear()
        self.page.views.extend(views)

    def tab_label(self, n: int) -> str:
        """The name of tab ``n``: a kiosk bound to one site shows that site's connectors
        where the map would be, and says so."""
        if TABS[n] == "/map" and self.ctx.config.kiosk_site:
            return self.ctx.t("kiosk.site")
        return self.ctx.t(TAB_KEYS[n])

    def tab_icons(self, n: int) -> tuple[str, str]:
        if TABS[n] == "/map" and self.ctx.config.kiosk_site:
            return ft.Icons.ELECTRICAL_SERVICES_OUTLINED, ft.Icons.ELECTRICAL_SERVICES
        return TAB_ICONS[n]

    def tab_view(self, base: str) -> ft.View:
        shown = self.tabs()
        index = shown.index(TABS.index(base))
        screen = self.tab_screen(base)
        body = screen.build()
        if base != "/charging":
            body = ft.Column([self.banner.build(), body], expand=True, spacing=0)
        big = self.ctx.config.kiosk

        def change(e) -> None:
            self.go(TABS[shown[int(e.control.selected_index)]])

        if self.narrow:
            nav = ft.NavigationBar(
                selected_index=index,
                on_change=change,
                destinations=[
                    ft.NavigationBarDestination(
                        icon=self.tab_icons(n)[0],
                        selected_icon=self.tab_icons(n)[1],
                        label=self.tab_label(n),
                    )
                    for n in shown
                ],
                height=88 if big else None,
            )
            return ft.View(route=base, controls=[body], navigation_bar=nav, padding=0, spacing=0)
        rail = ft.NavigationRail(
            selected_index=index,
            on_change=change,
            label_type=ft.NavigationRailLabelType.ALL,
            min_width=96 if big else 80,
            group_alignment=-0.9,
            leading=ft.Container(
                content=ft.Column(
                    [
                        ft.Icon(ft.Icons.ELECTRIC_BOLT, color=ft.Colors.PRIMARY, size=32),
                        ft.Text("Voltra", weight=ft.FontWeight.BOLD, size=14),
                    ],
                    horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                    spacing=2,
                ),
                padding=ft.Padding.only(top=12, bottom=12),
            ),
            destinations=[
                ft.NavigationRailDestination(
                    icon=self.tab_icons(n)[0],
                    selected_icon=self.tab_icons(n)[1],
                    label=self.tab_label(n),
                )
                for n in shown
            ],
        )
        return ft.View(
            route=base,
            padding=0,
            spacing=0,
            controls=[
                ft.Row(
                    [rail, ft.VerticalDivider(width=1), ft.Container(body, expand=True)],
                    expand=True,
                    spacing=0,
                    vertical_alignment=ft.CrossAxisAlignment.STRETCH,
                )
            ],
        )

    def detail_view(self, route: str) -> ft.View | None:
        parts = [p for p in route.split("/") if p]
        if len(parts) == 2 and parts[0] == "station":
            screen = StationScreen(self, route_id(parts[1]))
        elif len(parts) == 2 and parts[0] == "history":
            screen = SessionDetailScreen(self, route_id(parts[1]))
        elif parts == ["account", "register"]:
            screen = RegisterScreen(self)
        elif parts == ["account", "services"] and self.ctx.accounts is not None:
            screen = ServicesScreen(self)
        else:
            return None
        self._current_detail = screen
        return screen.view(route)

    def refresh(self, *controls: ft.Control) -> None:
        safe_update(*controls)
