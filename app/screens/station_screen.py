"""Station detail: connectors with live status and price, hours, images, occupancy."""

from __future__ import annotations

import asyncio
from datetime import datetime

import flet as ft

from app import format as fmt
from app.components.charts import occupancy_chart
from app.components.common import (
    error_banner,
    icon_button,
    safe_update,
    section,
    show_snack,
    status_chip,
)
from app.components.offer_table import offer_table
from app.host import Host
from app.screens.base import Screen
from app.theme import STATUS_COLOURS
from app.viewmodels.opening import STATION_TZ, week_lines
from app.viewmodels.reservation_vm import MINUTE_CHOICES
from app.viewmodels.station_vm import StationViewModel
from services.models import Connector, Station
from services.provider import Capability

PLUG_ICONS = {
    "TYPE2": ft.Icons.ELECTRICAL_SERVICES,
    "CCS": ft.Icons.EV_STATION,
    "CHADEMO": ft.Icons.POWER,
    "SCHUKO": ft.Icons.OUTLET,
    "OTHER": ft.Icons.POWER,
}


class StationScreen(Screen):
    def __init__(self, host: Host, station_id: str) -> None:
        super().__init__(host)
        seed = host.station_seed if getattr(host.station_seed, "id", None) == station_id else None
        self.vm = StationViewModel(host.ctx, station_id, seed)
        self._unsubs = [self.vm.subscribe(self.redraw), self.vm.reservation.subscribe(self.redraw)]
        self.fav_box: ft.Container | None = None
        self.countdown: ft.Text | None = None
        self._closed = False
        self._ticking = False

    def close(self) -> None:
        self._closed = True
        for unsub in self._unsubs:
            unsub()
        self.vm.close()

    def view(self, route: str) -> ft.View:
        t = self.t
        s = self.vm.station
        self.title = ft.Text(
            s.name if s else t("station.title"), max_lines=1, overflow=ft.TextOverflow.ELLIPSIS
        )
        self.fav_box = ft.Container(self.favourite_button())
        actions = [
            self.fav_box,
            icon_button(
                ft.Icons.DIRECTIONS, t("station.navigate"), lambda e: self.host.run(self.navigate())
            ),
            icon_button(ft.Icons.SHARE, t("station.share"), lambda e: self.host.run(self.share())),
        ]
        self.root = ft.Container(content=self.content(), expand=True)
        self.host.run(self.vm.load())
        return ft.View(
            route=route,
            appbar=ft.AppBar(title=self.title, actions=actions),
            controls=[self.root],
            padding=0,
        )

    def redraw(self) -> None:
        s = self.vm.station
        if s is not None:
            self.title.value = s.name
            if self.fav_box is not None:
                self.fav_box.content = self.favourite_button()
            safe_update(self.title, self.fav_box)
        super().redraw()

    def favourite_button(self) -> ft.Control:
        """A switch named for what it does; screen readers announce whether it is on."""
        on = bool(self.vm.station and self.vm.station.favourite)
        return icon_button(
            ft.Icons.STAR_BORDER,
            self.t("station.favourite"),
            lambda e: self.host.run(self.vm.toggle_favourite()),
            selected=on,
            selected_icon=ft.Icons.STAR,
            selected_icon_color=ft.Colors.AMBER,
            visible=self.ctx.can(Capability.FAVOURITES),
            ident="favourite",
        )

    async def navigate(self) -> None:
        if self.vm.station:
            await ft.UrlLauncher().launch_url(self.vm.navigate_url())

    async def share(self) -> None:
        if not self.vm.station:
            return
        text = self.vm.share_text()
        try:
            await ft.Share().share_text(text)
        except Exception:
            # Web browsers without the share sheet: copy the text instead
            await ft.Clipboard().set(text)
            show_snack(self.host.page, self.t("station.copied"))

    # ------------------------------------------------------------------ content
    def content(self) -> ft.Control:
        t = self.t
        s = self.vm.station
        if s is None:
            if self.vm.error:
                return ft.Container(error_banner(self.vm.error), padding=16)
            return ft.Container(ft.ProgressRing(), alignment=ft.Alignment.CENTER, expand=True)
        items: list[ft.Control] = []
        if self.vm.error:
            items.append(error_banner(self.vm.error))
        if self.vm.image_bytes:
            items.append(
                ft.Row(
                    [
                        ft.Image(
                            src=u,
                            height=160,
                            width=240,
                            fit=ft.BoxFit.COVER,
                            border_radius=16,
                            error_content=ft.Container(
                                ft.Icon(ft.Icons.IMAGE_NOT_SUPPORTED),
                                width=240,
                                height=160,
                                alignment=ft.Alignment.CENTER,
                                bgcolor=ft.Colors.SURFACE_CONTAINER,
                                border_radius=16,
                            ),
                            semantics_label=t("station.photo"),
                        )
                        for u in self.vm.image_bytes
                    ],
                    scroll=ft.ScrollMode.AUTO,
                    spacing=10,
                )
            )
        items.append(self.summary(s))
        items.append(
            section(
                t("station.connectors"),
                *[self.connector_row(s, c, n) for n, c in self.vm.numbered()],
            )
        )
        items.append(self.notes_section())
        hours = self.hours(s)
        if hours:
            items.append(hours)
        if self.vm.occupancy:
            items.append(
                section(
                    t("station.occupancy"),
                    ft.Text(
                        t("station.occupancy_text"), size=12, color=ft.Colors.ON_SURFACE_VARIANT
                    ),
                    occupancy_chart(
                        self.vm.occupancy_today(),
                        datetime.now(STATION_TZ).hour,
                        t("station.occupancy"),
                    ),
                )
            )
        return ft.ListView(
            controls=[ft.Container(ft.Column(items, spacing=14), padding=16, width=820)],
            expand=True,
        )

    def summary(self, s: Station) -> ft.Control:
        t = self.t
        open_now = self.vm.open_now
        chips = [
            status_chip(
                t,
                s.status.status,
                t("map.free_of", free=s.status.available, total=s.status.total)
                if s.status.total
                else None,
            )
        ]
        if open_now is not None:
            chips.append(
                ft.Container(
                    ft.Text(
                        t("station.open_now") if open_now else t("station.closed_now"),
                        size=12,
                        weight=ft.FontWeight.W_600,
                        color="#16A34A" if open_now else "#DC2626",
                    ),
                    padding=ft.Padding.symmetric(horizontal=10, vertical=4),
                    border_radius=20,
                    bgcolor=ft.Colors.with_opacity(0.12, "#16A34A" if open_now else "#DC2626"),
                )
            )
        if s.opening_hours and s.opening_hours.always_open:
            chips.append(ft.Text(t("station.always_open"), size=12))
        lines = [
            ft.Text(s.name, size=22, weight=ft.FontWeight.BOLD),
        ]
        if s.operator:
            lines.append(ft.Text(s.operator, color=ft.Colors.PRIMARY, weight=ft.FontWeight.W_600))
        addr = " · ".join(
            x
            for x in (
                s.address.one_line(),
                fmt.distance(s.distance_km, self.ctx.settings.units, self.ctx.settings.language),
            )
            if x
        )
        lines.append(
            ft.Row(
                [ft.Icon(ft.Icons.PLACE_OUTLINED, size=16), ft.Text(addr, expand=True)], spacing=6
            )
        )
        lines.append(ft.Row(chips, spacing=8, wrap=True))
        alerts = self.host.free_alerts
        if alerts.offered_for(s) or alerts.is_watching(s.id):
            on = alerts.is_watching(s.id)
            lines.append(
                ft.Semantics(
                    identifier="free-alert",
                    toggled=on,
                    content=ft.FilledTonalButton(
                        t("notify.off") if on else t("notify.on"),
                        icon=ft.Icons.NOTIFICATIONS_ACTIVE if on else ft.Icons.NOTIFICATIONS_NONE,
                        on_click=lambda e: self.toggle_alert(),
                        tooltip=t("notify.off") if on else t("notify.on"),
                    ),
                )
            )
        return section(None, *lines)

    def toggle_alert(self) -> None:
        s = self.vm.station
        if s is None:
            return
        if self.host.free_alerts.toggle(s):
            self.host.snack(self.t("notify.watching", name=s.name))
        self.redraw()

    def notes_section(self) -> ft.Control:
        t = self.t
        rows: list[ft.Control] = [
            ft.Row(
                [ft.Icon(ft.Icons.LOCAL_PARKING, size=18), ft.Text(note, expand=True)], spacing=8
            )
            for note in self.vm.notes()
        ]
        rows.append(
            ft.Row(
                [
                    ft.OutlinedButton(
                        t("station.report"),
                        icon=ft.Icons.REPORT_PROBLEM_OUTLINED,
                        on_click=lambda e: self.report(),
                        tooltip=t("station.report"),
                    )
                ],
                alignment=ft.MainAxisAlignment.END,
            )
        )
        return section(t("station.notes"), *rows)

    def report(self) -> None:
        t = self.t
        page = self.host.page
        phone = self.vm.station.phone if self.vm.station else None
        actions: list[ft.Control] = [
            ft.TextButton(
                t("common.close"), on_click=lambda e: page.pop_dialog(), tooltip=t("common.close")
            )
        ]
        if phone and not self.ctx.config.kiosk:

            async def call(_):
                await ft.UrlLauncher().launch_url(f"tel:{phone.replace(' ', '')}")

            actions.append(
                ft.FilledButton(
                    t("station.call", phone=phone),
                    icon=ft.Icons.PHONE,
                    on_click=call,
                    tooltip=t("station.call", phone=phone),
                )
            )
        page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(t("station.report")),
                content=ft.Container(
                    ft.Semantics(identifier="report-text", content=ft.Text(self.vm.report_text())),
                    width=420,
                ),
                actions=actions,
            )
        )
        safe_update(page)

    def connector_row(self, s: Station, c: Connector, number: int) -> ft.Control:
        t = self.t
        lang = self.ctx.settings.language
        colour = STATUS_COLOURS[c.status]
        name = fmt.connector_title(t, c.plug_type.value, c.max_power_kw, lang)
        spec = " · ".join(
            x
            for x in (
                t("station.connector_no", n=number),
                c.current_type.value if c.current_type else "",
                c.evse_id or "",
            )
            if x
        )
        actions: list[ft.Control] = []
        if hint := self.vm.start_hint(c):
            actions.append(
                ft.Text(
                    hint, size=12, color=ft.Colors.ON_SURFACE_VARIANT, text_align=ft.TextAlign.END
                )
            )
        res = self.vm.reservation
        if res.holds(c):
            self.countdown = ft.Text(
                t("reserve.left", time=res.countdown()), size=13, weight=ft.FontWeight.W_600
            )
            actions.append(ft.Semantics(identifier="reservation-countdown", content=self.countdown))
            actions.append(
                ft.OutlinedButton(
                    t("reserve.cancel"),
                    icon=ft.Icons.EVENT_BUSY,
                    tooltip=t("reserve.cancel"),
                    disabled=res.busy,
                    on_click=lambda e: self.host.run(self.vm.cancel_reservation()),
                )
            )
            self.start_ticking()
        elif res.can_reserve(c):
            actions.append(
                ft.OutlinedButton(
                    t("reserve.button"),
                    icon=ft.Icons.EVENT_AVAILABLE,
                    tooltip=t("reserve.on", name=name),
                    disabled=res.busy,
                    on_click=lambda e, conn=c: self.ask_reserve(conn, name),
                )
            )
        if self.vm.can_start(c):
            start = ft.FilledButton(
                t("station.start"),
                icon=ft.Icons.BOLT,
                tooltip=t("station.start_on", name=name),
                on_click=lambda e, conn=c: self.start(s, conn),
            )
            # the reserved connector's Start, told apart from the free ones' for tests
            actions.append(
                ft.Semantics(identifier="reserved-start", content=start)
                if res.holds(c)
                else start
            )
        details = ft.Row(
            [
                ft.Container(
                    ft.Column(
                        [
                            ft.Icon(
                                PLUG_ICONS.get(c.plug_type.value, ft.Icons.POWER),
                                color=colour,
                                size=18,
                            ),
                            ft.Text(str(number), weight=ft.FontWeight.BOLD, color=colour, size=13),
                        ],
                        spacing=0,
                        tight=True,
                        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                    ),
                    width=44,
                    height=48,
                    border_radius=12,
                    bgcolor=ft.Colors.with_opacity(0.12, colour),
                    alignment=ft.Alignment.CENTER,
                ),
                ft.Column(
                    [
                        ft.Text(name, weight=ft.FontWeight.W_600),
                        ft.Text(spec, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                        ft.Text(fmt.tariff_text(t, c.price, lang), size=12),
                    ],
                    spacing=2,
                    expand=True,
                    tight=True,
                ),
                status_chip(t, c.status, t("reserve.chip") if res.holds(c) else None),
            ],
            spacing=12,
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
        # Start (or why not) under the details: beside them a phone squeezes the price
        rows: list[ft.Control] = [details]
        if c.offers:
            rows.append(offer_table(self.ctx, self.vm.offer_lines(c), number))
        if actions:
            rows.append(ft.Row(actions, alignment=ft.MainAxisAlignment.END, wrap=True))
        return ft.Container(
            content=ft.Column(
                rows, spacing=6, tight=True, horizontal_alignment=ft.CrossAxisAlignment.END
            ),
            padding=ft.Padding.symmetric(vertical=6),
        )

    def hours(self, s: Station) -> ft.Control | None:
        t = self.t
        days = [t(f"day.{i}") for i in range(7)]
        lines = week_lines(s.opening_hours, days)
        if not lines:
            return None
        today = datetime.now(STATION_TZ).weekday()
        rows = [
            ft.Row(
                [
                    ft.Text(day, width=110, weight=ft.FontWeight.BOLD if i == today else None),
                    ft.Text(
                        span or t("station.closed"),
                        weight=ft.FontWeight.BOLD if i == today else None,
                    ),
                ],
            )
            for i, (day, span) in enumerate(lines)
        ]
        return section(t("station.hours"), *rows)

    def ask_reserve(self, c: Connector, name: str) -> None:
        """Reserve, after the driver chose how long (where the back end lets them)."""
        t = self.t
        page = self.host.page
        res = self.vm.reservation
        body: list[ft.Control] = [ft.Text(t("reserve.text", name=name))]
        if res.choose_minutes:
            body.append(
                ft.SegmentedButton(
                    selected=[str(res.minutes)],
                    segments=[
                        ft.Segment(
                            value=str(m),
                            label=ft.Text(t("reserve.minutes", n=m)),
                            tooltip=t("reserve.minutes", n=m),
                        )
                        for m in MINUTE_CHOICES
                    ],
                    on_change=lambda e: setattr(res, "minutes", int(e.control.selected[0])),
                )
            )
        else:
            body.append(ft.Text(t("reserve.operator_minutes"), size=12))

        async def confirm(_):
            page.pop_dialog()
            if await self.vm.reserve(c):
                self.host.snack(t("reserve.done"))

        page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(t("reserve.title")),
                content=ft.Container(ft.Column(body, tight=True, spacing=12), width=420),
                actions=[
                    ft.TextButton(
                        t("common.cancel"),
                        on_click=lambda e: page.pop_dialog(),
                        tooltip=t("common.cancel"),
                    ),
                    ft.FilledButton(
                        t("reserve.confirm"), on_click=confirm, tooltip=t("reserve.confirm")
                    ),
                ],
            )
        )

    def start_ticking(self) -> None:
        if not self._ticking:
            self._ticking = True
            self.host.run(self._tick())

    async def _tick(self) -> None:
        """The countdown, once a second, until the reservation ends or the screen closes."""
        res = self.vm.reservation
        try:
            while not self._closed and res.current is not None:
                await asyncio.sleep(1.0)
                if res.expire_if_due():
                    break
                if self.countdown is not None:
                    self.countdown.value = self.t("reserve.left", time=res.countdown())
                    safe_update(self.countdown)
        finally:
            self._ticking = False

    def start(self, s: Station, c: Connector) -> None:
        self.host.run(self.host.charging_vm.prepare(s, c))
        self.host.go("/charging")
