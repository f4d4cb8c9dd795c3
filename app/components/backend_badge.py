"""Which account an item (card, session, document, price) belongs to, and the filter by
account, where the app runs over several charging service accounts."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.context import AppContext

# One stable colour per account, by its place in the book (readable in both themes)
BADGE_COLOURS = (
    ft.Colors.BLUE,
    ft.Colors.TEAL,
    ft.Colors.DEEP_ORANGE,
    ft.Colors.PURPLE,
    ft.Colors.BROWN,
    ft.Colors.INDIGO,
)

# An account's state in a search or on the Charging services screen
STATE_ICONS = {
    "ready": (ft.Icons.CHECK_CIRCLE, ft.Colors.GREEN),
    "loading": (ft.Icons.HOURGLASS_TOP, ft.Colors.AMBER),
    "failed": (ft.Icons.ERROR_OUTLINE, ft.Colors.ERROR),
    "signed_out": (ft.Icons.LOGOUT, ft.Colors.OUTLINE),
}


def badge_colour(account_ids: list[str], account_id: str) -> str:
    index = account_ids.index(account_id) if account_id in account_ids else len(account_ids)
    return BADGE_COLOURS[index % len(BADGE_COLOURS)]


def backend_badge(name: str, colour: str) -> ft.Control:
    """A small label naming the account (screen readers read its name)."""
    return ft.Container(
        content=ft.Text(
            name, size=11, weight=ft.FontWeight.W_600, color=colour, no_wrap=True,
            max_lines=1, overflow=ft.TextOverflow.ELLIPSIS,
        ),
        bgcolor=ft.Colors.with_opacity(0.12, colour),
        border=ft.Border.all(1, ft.Colors.with_opacity(0.4, colour)),
        border_radius=8,
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
    )


def account_filter(
    label: str,
    all_label: str,
    accounts: list[tuple[str, str]],
    selected: str | None,
    on_select: Callable[[str | None], None],
) -> ft.Control:
    """Chips: every account, or one (``accounts``: (id, name) pairs)."""
    chips = [
        ft.Chip(
            label=ft.Text(all_label),
            selected=selected is None,
            on_select=lambda e: on_select(None),
            tooltip=all_label,
        )
    ]
    chips += [
        ft.Chip(
            label=ft.Text(name),
            selected=selected == account_id,
            on_select=lambda e, a=account_id: on_select(a),
            tooltip=name,
        )
        for account_id, name in accounts
    ]
    return ft.Semantics(
        label=label,
        container=True,
        content=ft.Row(chips, wrap=True, spacing=6, run_spacing=6),
    )


def account_badges(ctx: AppContext, account_id: str | None) -> list[ft.Control]:
    """The badge of the item's account; none in a single-account app."""
    name = ctx.account_name(account_id)
    if not name or account_id is None:
        return []
    return [backend_badge(name, badge_colour(ctx.account_ids(), account_id))]
