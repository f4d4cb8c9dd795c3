"""Kiosk pieces: the "Still there?" warning and a connector tile sized for a finger."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app import format as fmt
from app.components.common import status_chip
from app.i18n import Translator
from app.theme import STATUS_COLOURS
from services.models import Connector, ConnectorStatus

TILE_W, TILE_H = 260, 196
BUTTON_H = 72


def still_there_dialog(
    t: Translator, seconds: float, on_stay: Callable[[], None]
) -> ft.AlertDialog:
    return ft.AlertDialog(
        modal=True,
        title=ft.Text(t("kiosk.still_there"), size=28, weight=ft.FontWeight.BOLD),
        content=ft.Semantics(
            identifier="still-there",
            content=ft.Text(t("kiosk.still_there_text", s=round(seconds)), size=20),
        ),
        actions=[
            ft.FilledButton(
                t("kiosk.stay"),
                icon=ft.Icons.TOUCH_APP,
                on_click=lambda e: on_stay(),
                tooltip=t("kiosk.stay"),
                height=BUTTON_H,
                width=320,
            )
        ],
    )


def connector_tile(
    t: Translator,
    number: int,
    connector: Connector,
    language: str,
    *,
    selected: bool,
    on_select: Callable[[], None],
) -> ft.Control:
    colour = STATUS_COLOURS[connector.status]
    free = connector.status is ConnectorStatus.AVAILABLE
    name = fmt.connector_title(t, connector.plug_type.value, connector.max_power_kw, language)
    label = t(
        "kiosk.connector",
        n=number,
        name=name,
        status=t(f"status.{connector.status.value}"),
    )
    tile = ft.Container(
        content=ft.Column(
            [
                ft.Row(
                    [
                        ft.Text(str(number), size=40, weight=ft.FontWeight.BOLD, color=colour),
                        status_chip(t, connector.status),
                    ],
                    alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                ),
                ft.Text(name, size=20, weight=ft.FontWeight.W_600),
                ft.Text(connector.evse_id or "", size=13, color=ft.Colors.ON_SURFACE_VARIANT),
                ft.Text(fmt.tariff_text(t, connector.price, language), size=14, max_lines=2),
            ],
            spacing=4,
            tight=True,
        ),
        width=TILE_W,
        height=TILE_H,
        padding=16,
        border_radius=20,
        border=ft.Border.all(4 if selected else 1, ft.Colors.PRIMARY if selected else colour),
        bgcolor=ft.Colors.with_opacity(0.16 if selected else 0.06, colour),
        on_click=(lambda e: on_select()) if free else None,
        ink=free,
        opacity=1.0 if free else 0.6,
    )
    return ft.Semantics(
        identifier="kiosk-connector",
        label=label,
        button=free,
        selected=selected,
        container=True,
        content=tile,
    )
