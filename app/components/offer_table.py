"""Per account at one connector: its badge, the typical session's price, or why it cannot
start there; cheapest first."""

from __future__ import annotations

import flet as ft

from app import format as fmt
from app.components.backend_badge import backend_badge, badge_colour
from app.context import AppContext
from app.viewmodels.offers import OfferLine


def offer_table(ctx: AppContext, lines: list[OfferLine], number: int) -> ft.Control:
    t, lang = ctx.t, ctx.settings.language
    ids = ctx.account_ids()
    heading = t(
        "offer.heading",
        kwh=fmt.number(ctx.settings.typical_kwh, 0, lang),
        minutes=ctx.settings.typical_minutes,
    )
    rows: list[ft.Control] = [
        ft.Text(heading, size=12, color=ft.Colors.ON_SURFACE_VARIANT)
    ]
    for i, line in enumerate(lines):
        price = (
            fmt.money(line.cost.total, line.cost.currency, lang)
            if line.cost is not None
            else t("station.price_unknown")
        )
        cheapest = i == 0 and line.can_start
        said = (
            t("offer.line", name=line.name, price=price)
            if line.can_start
            else t("offer.line_cannot", name=line.name, price=price, reason=line.reason or "")
        )
        right: list[ft.Control] = [
            ft.Text(
                # no price from this account: the line below says why it cannot start
                price if line.cost is not None else "–",
                weight=ft.FontWeight.BOLD if cheapest else ft.FontWeight.W_500,
                color=None if line.can_start else ft.Colors.ON_SURFACE_VARIANT,
            )
        ]
        if cheapest:
            right.insert(
                0, ft.Icon(ft.Icons.SAVINGS_OUTLINED, size=16, color=ft.Colors.PRIMARY)
            )
        body = ft.Column(
            [
                ft.Row(
                    [
                        ft.Container(
                            backend_badge(line.name, badge_colour(ids, line.account_id)),
                            expand=True,
                            alignment=ft.Alignment.CENTER_LEFT,
                        ),
                        ft.Row(right, spacing=4, tight=True),
                    ],
                    spacing=8,
                ),
                *(
                    [ft.Text(line.reason, size=12, color=ft.Colors.ON_SURFACE_VARIANT)]
                    if not line.can_start and line.reason
                    else []
                ),
            ],
            spacing=2,
            tight=True,
        )
        rows.append(
            ft.Semantics(
                identifier=f"offer-{number}-{line.account_id}",
                label=said,
                container=True,
                content=body,
            )
        )
    return ft.Container(
        content=ft.Column(rows, spacing=6, tight=True),
        padding=ft.Padding.only(left=56, top=2),
    )
