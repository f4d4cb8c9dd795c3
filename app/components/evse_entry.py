"""Entry of the EVSE ID printed on a charger, to go straight to that connector."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from app.i18n import Translator


def evse_dialog(
    t: Translator,
    on_submit: Callable[[str], Awaitable[None] | None],
    on_cancel: Callable[[], None],
    *,
    on_scan: Callable[[], None] | None = None,
    big: bool = False,
) -> ft.AlertDialog:
    """`on_scan`, where given, offers a photo of the charger's QR code instead of typing."""
    field = ft.TextField(
        label=t("evse.field"),
        hint_text=t("evse.hint"),
        prefix_icon=ft.Icons.QR_CODE_2,
        capitalization=ft.TextCapitalization.CHARACTERS,
        text_size=20 if big else None,
        on_submit=lambda e: on_submit(e.control.value or ""),
    )
    rows: list[ft.Control] = [ft.Text(t("evse.text")), field]
    if on_scan is not None:
        rows.append(
            ft.OutlinedButton(
                t("evse.scan"),
                icon=ft.Icons.QR_CODE_SCANNER,
                on_click=lambda e: on_scan(),
                tooltip=t("evse.scan_hint"),
            )
        )
    return ft.AlertDialog(
        title=ft.Text(t("evse.title")),
        content=ft.Container(ft.Column(rows, tight=True, spacing=12), width=420),
        actions=[
            ft.TextButton(
                t("common.cancel"), on_click=lambda e: on_cancel(), tooltip=t("common.cancel")
            ),
            ft.FilledButton(
                t("evse.go"),
                icon=ft.Icons.SEARCH,
                on_click=lambda e: on_submit(field.value or ""),
                tooltip=t("evse.go"),
            ),
        ],
    )
