"""The running session, kept in view on every tab: station, energy, power; a tap opens it."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app import format as fmt
from app.components.common import safe_update
from app.i18n import Translator
from app.viewmodels.charging_vm import ChargingViewModel


class SessionBanner:
    def __init__(
        self,
        vm: ChargingViewModel,
        t: Callable[[], Translator],
        language: Callable[[], str],
        open_session: Callable[[], None],
    ) -> None:
        self.vm, self._t, self._language, self._open = vm, t, language, open_session
        self._text = ft.Text("", color=ft.Colors.ON_PRIMARY_CONTAINER, expand=True,
                             weight=ft.FontWeight.W_600)
        self._box: ft.Container | None = None
        self._sem: ft.Semantics | None = None

    def text(self) -> str | None:
        s = self.vm.running
        if s is None:
            return None
        lang = self._language()
        return self._t()(
            "charging.banner",
            station=s.station_name or "",
            energy=fmt.kwh(s.energy_kwh, lang),
            power=fmt.kw(s.power_kw, lang),
        )

    def build(self) -> ft.Control:
        label = self._t()("charging.banner_open")
        self._box = ft.Container(
            content=ft.Row(
                [
                    ft.Icon(ft.Icons.BOLT, color=ft.Colors.ON_PRIMARY_CONTAINER),
                    self._text,
                    ft.Icon(ft.Icons.CHEVRON_RIGHT, color=ft.Colors.ON_PRIMARY_CONTAINER),
                ],
                spacing=10,
            ),
            bgcolor=ft.Colors.PRIMARY_CONTAINER,
            padding=ft.Padding.symmetric(horizontal=16, vertical=10),
            on_click=lambda e: self._open(),
            tooltip=label,
        )
        # Flutter refuses a Semantics whose content is hidden: the wrapper is what hides.
        self._sem = ft.Semantics(content=self._box, label=label, button=True,
                                 identifier="session-banner")
        self.refresh(update=False)
        return self._sem

    def refresh(self, update: bool = True) -> None:
        if self._box is None:
            return
        text = self.text()
        self._text.value = text or ""
        if self._sem is not None:
            self._sem.visible = text is not None
        if update:
            safe_update(self._sem if self._sem is not None else self._box)
