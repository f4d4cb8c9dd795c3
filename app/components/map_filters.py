"""The map's filter dialog: plugs, power, current, operator, price, sort order, and the
driver's vehicle (its plugs, kept in the settings) with "only what fits"."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app import format as fmt
from app.i18n import Translator
from app.viewmodels.map_vm import POWER_STEPS, PRICE_STEPS, MapViewModel
from services.models import CurrentType, PlugType

PLUGS = [p for p in PlugType if p is not PlugType.OTHER]


def _chip(label: str, selected: bool, on_select) -> ft.Chip:
    return ft.Chip(
        label=label, selected=selected, on_select=on_select, tooltip=label, show_checkmark=True
    )


def _radios(value: str, on_change, options: list[tuple[str, str]]) -> ft.RadioGroup:
    return ft.RadioGroup(
        value=value,
        on_change=on_change,
        content=ft.Row(
            [ft.Radio(value=v, label=label, tooltip=label) for v, label in options], wrap=True
        ),
    )


def filters_dialog(
    t: Translator,
    vm: MapViewModel,
    language: str,
    on_apply: Callable[[], object],
    on_clear: Callable[[], object],
) -> ft.AlertDialog:
    f = vm.filters
    currency = "EUR"

    def plug_chip(p: PlugType) -> ft.Chip:
        return _chip(t(f"plug.{p.value}"), p in f.plug_types, lambda e: vm.toggle_plug(p))

    def power_label(k: float | None) -> str:
        return t("filters.any") if k is None else f"≥{fmt.NBSP}{fmt.power_rating(k, language)}"

    def price_label(p: float | None) -> str:
        return t("filters.any") if p is None else f"≤{fmt.NBSP}{fmt.money(p, currency, language)}"

    fits = ft.Switch(
        label=t("filters.fits_vehicle"),
        value=bool(vm.vehicle_plugs),
        disabled=not vm.ctx.settings.vehicle_plugs,
        on_change=lambda e: vm.set_fits_vehicle(bool(e.control.value)),
    )

    def vehicle_chip(p: PlugType) -> ft.Chip:
        def toggle(e) -> None:
            mine = {PlugType(v) for v in vm.ctx.settings.vehicle_plugs}
            mine.symmetric_difference_update({p})
            vm.set_vehicle_plugs(sorted(mine))
            fits.value, fits.disabled = vm.fits_vehicle, not mine

        return _chip(t(f"plug.{p.value}"), p.value in vm.ctx.settings.vehicle_plugs, toggle)

    operator = ft.Dropdown(
        label=t("filters.operator"),
        tooltip=t("filters.operator"),
        value=f.operator or "",
        options=[ft.DropdownOption(key="", text=t("filters.any_operator"))]
        + [ft.DropdownOption(key=o, text=o) for o in sorted(vm.operators)],
        on_select=lambda e: vm.set_operator(e.control.value or None),
        width=320,
    )

    def switch(name: str, label: str) -> ft.Switch:
        return ft.Switch(
            label=label,
            value=getattr(f, name),
            on_change=lambda e: vm.set_flag(name, bool(e.control.value)),
        )

    def heading(key: str) -> ft.Text:
        return ft.Text(t(key), weight=ft.FontWeight.W_600)

    body = ft.Column(
        [
            heading("filters.plug"),
            ft.Row([plug_chip(p) for p in PLUGS], wrap=True),
            heading("filters.min_power"),
            _radios(
                str(f.min_power_kw or "any"),
                lambda e: vm.set_min_power(
                    None if e.control.value == "any" else float(e.control.value)
                ),
                [("any" if k is None else str(k), power_label(k)) for k in POWER_STEPS],
            ),
            heading("filters.max_price"),
            _radios(
                str(vm.max_price_kwh or "any"),
                lambda e: vm.set_max_price(
                    None if e.control.value == "any" else float(e.control.value)
                ),
                [("any" if p is None else str(p), price_label(p)) for p in PRICE_STEPS],
            ),
            heading("filters.current"),
            _radios(
                f.current_type.value if f.current_type else "any",
                lambda e: vm.set_current(
                    None if e.control.value == "any" else CurrentType(e.control.value)
                ),
                [("any", t("filters.ac_dc_any")), ("AC", "AC"), ("DC", "DC")],
            ),
            operator,
            heading("filters.sort"),
            _radios(
                vm.sort,
                lambda e: vm.set_sort(e.control.value),
                [(o, t(f"sort.{o}")) for o in vm.sort_orders()],
            ),
            switch("available_only", t("filters.available_only")),
            switch("free_only", t("filters.free_only")),
            switch("favourites_only", t("filters.favourites_only")),
            heading("vehicle.title"),
            ft.Text(t("vehicle.text"), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            ft.Row([vehicle_chip(p) for p in PLUGS], wrap=True),
            fits,
        ],
        tight=True,
        spacing=10,
        scroll=ft.ScrollMode.AUTO,
    )
    return ft.AlertDialog(
        title=ft.Text(t("map.filters")),
        content=ft.Container(body, width=440),
        actions=[
            ft.TextButton(
                t("filters.clear"), on_click=lambda e: on_clear(), tooltip=t("filters.clear")
            ),
            ft.FilledButton(
                t("filters.apply"), on_click=lambda e: on_apply(), tooltip=t("filters.apply")
            ),
        ],
    )
