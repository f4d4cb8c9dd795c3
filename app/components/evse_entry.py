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
    big: bool = False,
) -> ft.AlertDialog:
    field = ft.TextField(
        label=t("evse.field"),
        hint_text=t("evse.hint"),
        prefix_icon=ft.Icons.QR_CODE_2,
        capitalization=ft.TextCapitalization.CHARACTERS,
        text_size=20 if big else None,
        on_submit=lambda e: on_submit(e.control.value or ""),
    )
    return ft.AlertDialog(
        title=ft.Text(t("evse.title")),
        content=ft.Container(
            ft.Column([ft.Text(t("evse.text")), field], tight=True, spacing=12), width=420
        ),
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
