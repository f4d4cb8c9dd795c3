"""The quick look at a station when its marker is tapped: name, free connectors, power,
price, and Start without leaving the map."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app import format as fmt
from app.components.common import icon_button, status_chip
from app.i18n import Translator
from app.viewmodels.map_vm import cheapest_kwh, max_power
from services.models import Connector, Station


def price_text(t: Translator, station: Station, plugs: list[str], language: str) -> str:
    """ "from €0.39/kWh", the cheapest energy price among the connectors that fit."""
    tariff = cheapest_kwh(station, plugs)
    if tariff is None:
        return t("map.no_price")
    if tariff.free_of_charge:
        return t("station.free")
    return t("map.price_from", price=fmt.money(tariff.per_kwh, tariff.currency, language))


def station_preview(
    t: Translator,
    station: Station,
    *,
    plugs: list[str],
    language: str,
    startable: Connector | None,
    on_start: Callable[[Connector], None],
    on_details: Callable[[], None],
    on_close: Callable[[], None],
    big: bool = False,
) -> ft.Control:
    power = max_power(station, plugs)
    facts = [
        ft.Row(
            [
                ft.Icon(ft.Icons.BOLT, size=18),
                ft.Text(t("preview.max_power", power=fmt.power_rating(power, language))),
            ],
            spacing=6,
            visible=bool(power),
        ),
        ft.Row(
            [ft.Icon(ft.Icons.EURO, size=18), ft.Text(price_text(t, station, plugs, language))],
            spacing=6,
        ),
    ]
    free = t("preview.free", free=station.status.available, total=station.status.total)
    height = 64 if big else 48
    buttons: list[ft.Control] = [
        ft.OutlinedButton(
            t("preview.details"),
            icon=ft.Icons.INFO_OUTLINE,
            on_click=lambda e: on_details(),
            tooltip=t("preview.details"),
            height=height,
        )
    ]
    if startable is not None:
        name = fmt.connector_title(t, startable.plug_type.value, startable.max_power_kw, language)
        buttons.append(
            ft.FilledButton(
                t("station.start"),
                icon=ft.Icons.BOLT,
                on_click=lambda e: on_start(startable),
                tooltip=t("station.start_on", name=name),
                height=height,
            )
        )
    body = [
        ft.Row(
            [
                ft.Text(
                    station.name,
                    size=20,
                    weight=ft.FontWeight.BOLD,
                    expand=True,
                    max_lines=2,
                    overflow=ft.TextOverflow.ELLIPSIS,
                ),
                icon_button(ft.Icons.CLOSE, t("common.close"), lambda e: on_close()),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        ft.Text(
            " · ".join(x for x in (station.operator, station.address.one_line()) if x),
            color=ft.Colors.ON_SURFACE_VARIANT,
            size=13,
        ),
        status_chip(t, station.status.status, free),
        *facts,
    ]
    if startable is None:
        body.append(
            ft.Text(
                t("preview.none_free" if plugs else "preview.none_free_any"),
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            )
        )
    body.append(ft.Row(buttons, alignment=ft.MainAxisAlignment.END, spacing=12, wrap=True))
    return ft.Semantics(
        identifier="station-preview",
        container=True,
        label=t("preview.title"),
        content=ft.Container(ft.Column(body, spacing=10, tight=True), padding=20),
    )
