"""On the Account tab where the app keeps several accounts: the way to Charging services,
and the typical session every account's price is compared on."""

from __future__ import annotations

import flet as ft

from app import format as fmt
from app.components.common import safe_update
from app.host import Host


def services_tile(host: Host) -> ft.Control:
    t = host.ctx.t
    accounts = host.ctx.accounts.accounts() if host.ctx.accounts is not None else []
    names = ", ".join(a.name for a in accounts)
    text = t("services.tile_some", n=len(accounts), names=names) if accounts else t(
        "services.tile_none"
    )
    return ft.Semantics(
        identifier="charging-services",
        label=f"{t('services.title')}: {text}",
        button=True,
        container=True,
        content=ft.Card(
            content=ft.Container(
                content=ft.Row(
                    [
                        ft.Icon(ft.Icons.HUB_OUTLINED, color=ft.Colors.PRIMARY, size=28),
                        ft.Column(
                            [
                                ft.Text(
                                    t("services.title"), size=16, weight=ft.FontWeight.W_600
                                ),
                                ft.Text(text, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
                            ],
                            spacing=2,
                            tight=True,
                            expand=True,
                        ),
                        ft.Icon(ft.Icons.CHEVRON_RIGHT),
                    ],
                    spacing=14,
                ),
                padding=16,
                ink=True,
                on_click=lambda e: host.go("/account/services"),
            ),
            elevation=0.5,
            margin=0,
        ),
    )


def typical_session_fields(host: Host) -> ft.Control:
    """kWh and minutes of the typical session, checked and kept on Save."""
    ctx = host.ctx
    t, lang = ctx.t, ctx.settings.language
    kwh = ft.TextField(
        label=t("typical.kwh"),
        value=fmt.number(ctx.settings.typical_kwh, 0, lang),
        keyboard_type=ft.KeyboardType.NUMBER,
        suffix="kWh",
        expand=True,
    )
    minutes = ft.TextField(
        label=t("typical.minutes"),
        value=str(ctx.settings.typical_minutes),
        keyboard_type=ft.KeyboardType.NUMBER,
        suffix="min",
        expand=True,
    )

    def save(_=None) -> None:
        errors = host.services_vm.set_typical(kwh.value or "", minutes.value or "")
        kwh.error = errors.get("typical_kwh")
        minutes.error = errors.get("typical_minutes")
        safe_update(kwh, minutes)
        if not errors:
            host.snack(t("typical.saved"))

    return ft.Column(
        [
            ft.Text(t("typical.title"), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
            ft.Row([kwh, minutes], spacing=10),
            ft.Row(
                [
                    ft.FilledTonalButton(
                        t("typical.save"),
                        icon=ft.Icons.SAVE,
                        tooltip=t("typical.save"),
                        on_click=save,
                    )
                ],
                alignment=ft.MainAxisAlignment.END,
            ),
        ],
        spacing=6,
    )
