"""The kiosk's home when bound to a site: its connectors as large tiles, then "tap your
card" to start on the chosen one."""

from __future__ import annotations

import flet as ft

from app.components.common import error_banner, section
from app.components.kiosk_parts import BUTTON_H, connector_tile
from app.components.login_form import LoginForm
from app.host import Host
from app.screens.base import Screen
from app.viewmodels.kiosk import KioskSite


class KioskSiteScreen(Screen):
    def __init__(self, host: Host, site_id: str) -> None:
        super().__init__(host)
        self.vm = KioskSite(host.ctx, site_id, host.charging_vm)
        self.vm.subscribe(self.redraw)
        host.ctx.subscribe(self._on_account)

    def _on_account(self, event: str) -> None:
        # A back end that shows its stations only to a signed-in driver (an operator token
        # is the sign-in) lists the site once someone has signed in
        if event == "login" and not self.vm.stations and not self.vm.busy:
            self.host.run(self.vm.load())
        if event in ("login", "logout"):
            self.redraw()

    def on_show(self) -> None:
        self.vm.selected, self.vm.error, self.vm.notice = None, None, None
        if not self.vm.busy:
            self.host.run(self.vm.load())

    def on_wedge_uid(self, uid: str) -> None:
        self.host.run(self.tap(uid))

    async def tap(self, uid: str) -> None:
        if await self.vm.tap(uid):
            self.host.go("/charging")

    def content(self) -> ft.Control:
        t = self.t
        vm = self.vm
        lang = self.ctx.settings.language
        items: list[ft.Control] = []
        if vm.error:
            items.append(error_banner(vm.error))
        if not self.ctx.logged_in:
            items.append(section(None, LoginForm(self.host.account_vm, self.host.run).build()))
        if vm.selected is not None:
            items.append(self.tap_panel())
        selected_id = vm.selected[1].id if vm.selected else None
        tiles = [
            connector_tile(
                t,
                n,
                c,
                lang,
                selected=c.id == selected_id,
                on_select=lambda s=s, c=c: vm.select(s, c),
            )
            for n, s, c in vm.connectors()
        ]
        if vm.busy and not tiles:
            tiles = [ft.ProgressRing()]
        items.append(ft.Row(tiles, wrap=True, spacing=16, run_spacing=16))
        if vm.can_unlock and vm.connectors():
            items.append(self.unlock_panel())
        return ft.Column(
            [
                self.header(vm.title),
                ft.Container(
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.CONTACTLESS, size=40, color=ft.Colors.PRIMARY),
                            ft.Text(t("kiosk.tap_card"), size=22, expand=True),
                        ],
                        spacing=12,
                    ),
                    padding=ft.Padding.symmetric(horizontal=20),
                ),
                ft.ListView(
                    controls=[
                        ft.Container(
                            ft.Column(items, spacing=16),
                            padding=ft.Padding.only(left=20, right=20, top=12, bottom=24),
                        )
                    ],
                    expand=True,
                ),
            ],
            expand=True,
            spacing=0,
        )

    def unlock_panel(self) -> ft.Control:
        """A cable that stays locked after charging: the charger can release it."""
        t = self.t
        vm = self.vm
        buttons = [
            ft.Semantics(
                identifier="kiosk-unlock",
                content=ft.OutlinedButton(
                    t("kiosk.unlock", connector=t("station.connector_no", n=n)),
                    icon=ft.Icons.LOCK_OPEN,
                    tooltip=t("kiosk.unlock", connector=t("station.connector_no", n=n)),
                    height=BUTTON_H,
                    on_click=lambda e, c=c: self.host.run(vm.unlock(c)),
                ),
            )
            for n, _, c in vm.connectors()
        ]
        rows: list[ft.Control] = [ft.Text(t("kiosk.cable_stuck_text"), size=16)]
        if vm.notice:
            rows.append(
                ft.Semantics(
                    identifier="kiosk-unlock-notice",
                    content=ft.Text(vm.notice, size=18, weight=ft.FontWeight.BOLD),
                )
            )
        rows.append(ft.Row(buttons, wrap=True, spacing=12, run_spacing=12))
        return section(t("kiosk.cable_stuck"), *rows)

    def tap_panel(self) -> ft.Control:
        t = self.t
        vm = self.vm
        number = next(n for n, _, c in vm.connectors() if c.id == vm.selected[1].id)
        return ft.Semantics(
            identifier="tap-card",
            container=True,
            content=section(
                None,
                ft.Row(
                    [
                        ft.Icon(ft.Icons.CONTACTLESS, size=96, color=ft.Colors.PRIMARY),
                        ft.Text(
                            t("kiosk.tap_card_on", connector=t("station.connector_no", n=number)),
                            size=26,
                            weight=ft.FontWeight.BOLD,
                            expand=True,
                        ),
                    ],
                    spacing=16,
                ),
                ft.TextField(
                    label=t("charging.card_uid"),
                    hint_text=t("charging.card_uid_hint"),
                    prefix_icon=ft.Icons.CONTACTLESS,
                    capitalization=ft.TextCapitalization.CHARACTERS,
                    text_size=24,
                    # Keyboard-wedge readers type into whatever has focus
                    autofocus=True,
                    on_submit=lambda e: self.host.run(self.tap(e.control.value or "")),
                ),
                ft.OutlinedButton(
                    t("kiosk.change"),
                    icon=ft.Icons.ARROW_BACK,
                    on_click=lambda e: vm.clear(),
                    tooltip=t("kiosk.change"),
                    height=BUTTON_H,
                ),
            ),
        )
