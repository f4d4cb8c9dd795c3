"""Building blocks shared by the screens: status badges, sections, metrics, dialogs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import flet as ft

from app.i18n import Translator
from app.theme import STATUS_COLOURS, STATUS_ICONS
from services.models import ConnectorStatus


def safe_update(*controls: ft.Control) -> None:
    """Update controls that may not be mounted (a background task outliving its screen)."""
    for c in controls:
        with contextlib.suppress(RuntimeError, AssertionError, AttributeError):
            c.update()


def icon_button(
    icon: ft.IconData,
    label: str,
    on_click: Callable[[Any], Any] | None,
    *,
    selected: bool | None = None,
    selected_icon: ft.IconData | None = None,
    selected_icon_color: str | None = None,
    badge: str | None = None,
    disabled: bool = False,
    visible: bool = True,
    ident: str | None = None,
) -> ft.Control:
    """An icon button screen readers (and browser tests) find by what it does: alone, its
    tooltip names a wrapper node and the button inside stays unnamed. ``selected`` makes it
    a toggle whose state is announced (on/off)."""
    button = ft.IconButton(
        icon=icon,
        selected_icon=selected_icon,
        selected=selected,
        selected_icon_color=selected_icon_color,
        tooltip=label,
        on_click=on_click,
        badge=badge,
        disabled=disabled,
    )
    # One node: the button's tap and keyboard focus, named by the tooltip, with the state
    return ft.MergeSemantics(
        content=ft.Semantics(toggled=selected, identifier=ident, content=button),
        visible=visible,
    )


def is_mounted(control: ft.Control) -> bool:
    """Whether the control is on a page (Flet raises on calls to one that is not)."""
    try:
        return control.page is not None
    except RuntimeError:
        return False


def status_label(t: Translator, status: ConnectorStatus) -> str:
    return t(f"status.{status.value}")


def status_chip(t: Translator, status: ConnectorStatus, text: str | None = None) -> ft.Control:
    colour = STATUS_COLOURS[status]
    return ft.Container(
        content=ft.Row(
            [
                ft.Icon(STATUS_ICONS[status], size=14, color=colour),
                ft.Text(
                    text or status_label(t, status),
                    size=12,
                    color=colour,
                    weight=ft.FontWeight.W_600,
                ),
            ],
            spacing=4,
            tight=True,
        ),
        bgcolor=ft.Colors.with_opacity(0.12, colour),
        border_radius=20,
        padding=ft.Padding.symmetric(horizontal=10, vertical=4),
    )


def status_dot(status: ConnectorStatus, size: int = 12) -> ft.Control:
    return ft.Container(width=size, height=size, border_radius=size, bgcolor=STATUS_COLOURS[status])


def section(
    title: str | None, *content: ft.Control, trailing: ft.Control | None = None, padding: int = 16
) -> ft.Control:
    header = []
    if title:
        row = [ft.Text(title, size=16, weight=ft.FontWeight.W_600, expand=True)]
        if trailing:
            row.append(trailing)
        header = [ft.Row(row, vertical_alignment=ft.CrossAxisAlignment.CENTER)]
    return ft.Card(
        content=ft.Container(
            content=ft.Column([*header, *content], spacing=10, tight=True),
            padding=padding,
        ),
        elevation=0.5,
        margin=0,
    )


def metric(
    label: str,
    value: str,
    icon: ft.IconData | None = None,
    colour: str | None = None,
    big: bool = False,
    ident: str | None = None,
) -> ft.Control:
    value_text = ft.Text(value, size=28 if big else 20, weight=ft.FontWeight.BOLD)
    body = ft.Column(
        [
            ft.Row(
                [
                    ft.Icon(icon, size=16, color=colour) if icon else ft.Container(),
                    ft.Text(label, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                ],
                spacing=6,
            ),
            value_text,
        ],
        spacing=2,
        tight=True,
    )
    box = ft.Container(
        content=body,
        padding=14,
        border_radius=16,
        bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
        expand=True,
    )
    if ident:
        sem = ft.Semantics(
            identifier=ident,
            label=f"{label}: {value}",
            content=box,
            expand=True,
            container=True,
        )
        sem.data = (label, value_text)  # lets a live screen update the value in place
        return sem
    return box


def set_metric(control: ft.Control, value: str) -> None:
    label, value_text = control.data
    value_text.value = value
    control.label = f"{label}: {value}"


def empty_state(
    icon: ft.IconData, title: str, text: str, action: ft.Control | None = None
) -> ft.Control:
    items = [
        ft.Icon(icon, size=56, color=ft.Colors.PRIMARY),
        ft.Text(title, size=20, weight=ft.FontWeight.W_600, text_align=ft.TextAlign.CENTER),
        ft.Text(text, text_align=ft.TextAlign.CENTER, color=ft.Colors.ON_SURFACE_VARIANT),
    ]
    if action:
        items.append(action)
    return ft.Container(
        content=ft.Column(
            items, horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=12, tight=True
        ),
        alignment=ft.Alignment.CENTER,
        padding=32,
        expand=True,
    )


def error_banner(text: str | None) -> ft.Control:
    return ft.Container(
        visible=bool(text),
        content=ft.Row(
            [
                ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.ON_ERROR_CONTAINER),
                ft.Text(
                    text or "",
                    color=ft.Colors.ON_ERROR_CONTAINER,
                    expand=True,
                    semantics_label=text or "",
                ),
            ],
            spacing=10,
        ),
        bgcolor=ft.Colors.ERROR_CONTAINER,
        border_radius=12,
        padding=12,
    )


def close_dialog(dialog: ft.DialogControl) -> None:
    """Close this dialog (page.pop_dialog() would close a snack bar shown meanwhile)."""
    dialog.open = False
    safe_update(dialog)


def show_snack(page: ft.Page, text: str) -> None:
    page.show_dialog(ft.SnackBar(content=ft.Text(text), behavior=ft.SnackBarBehavior.FLOATING))


def dialog_actions(
    t: Translator,
    on_cancel: Callable[..., object],
    confirm_label: str,
    on_confirm: Callable[..., object],
    style: ft.ButtonStyle | None = None,
) -> list[ft.Control]:
    """Cancel + confirm buttons of a dialog; the labels double as the semantics labels."""
    return [
        ft.TextButton(t("common.cancel"), on_click=on_cancel, tooltip=t("common.cancel")),
        ft.FilledButton(confirm_label, on_click=on_confirm, tooltip=confirm_label, style=style),
    ]


def confirm(
    page: ft.Page,
    t: Translator,
    title: str,
    text: str,
    confirm_label: str,
    on_confirm: Callable[[], object],
    destructive: bool = False,
) -> None:
    def close(_=None):
        page.pop_dialog()

    async def ok(_):
        page.pop_dialog()
        result = on_confirm()
        if hasattr(result, "__await__"):
            await result

    page.show_dialog(
        ft.AlertDialog(
            modal=True,
            title=ft.Text(title),
            content=ft.Text(text),
            actions=dialog_actions(
                t,
                close,
                confirm_label,
                ok,
                style=ft.ButtonStyle(bgcolor=ft.Colors.ERROR) if destructive else None,
            ),
        )
    )
