"""History: month groups, statistics with charts, exports; session detail."""

from __future__ import annotations

from datetime import datetime

import flet as ft

from app import format as fmt
from app.components.backend_badge import (
    account_badges,
    account_filter,
    backend_badge,
    badge_colour,
)
from app.components.charts import monthly_chart
from app.components.common import (
    empty_state,
    error_banner,
    icon_button,
    metric,
    safe_update,
    section,
)
from app.host import Host
from app.routes import history_route
from app.screens.base import Screen
from app.theme import ENERGY_COLOUR, SOC_COLOUR
from app.viewmodels.charging_vm import cost_label_key
from app.viewmodels.history_vm import UNDATED, HistoryViewModel
from services.models import ChargingSession


class HistoryScreen(Screen):
    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.vm: HistoryViewModel = host.history_vm
        self.vm.subscribe(self.redraw)

    def on_show(self) -> None:
        if self.ctx.logged_in:
            self.host.run(self.vm.load())

    def content(self) -> ft.Control:
        t = self.t
        if not self.ctx.logged_in:
            return self.sign_in_first(
                ft.Icons.HISTORY, t("history.title"), t("history.login_text")
            )
        exports = [
            icon_button(
                ft.Icons.TABLE_VIEW,
                t("history.export_csv"),
                lambda e: self.host.run(self.export_csv()),
            ),
            icon_button(
                ft.Icons.TRAVEL_EXPLORE,
                t("history.export_map"),
                lambda e: self.host.run(self.export_map()),
            ),
        ]
        items: list[ft.Control] = []
        if self.vm.error:
            items.append(error_banner(self.vm.error))
        if self.vm.busy and not self.vm.sessions:
            items.append(ft.ProgressBar())
        choices = self.vm.filter_choices()
        if choices:
            items.append(
                account_filter(
                    t("backend.filter"),
                    t("backend.all"),
                    choices,
                    self.vm.by_account.selected,
                    self.vm.filter_by,
                )
            )
        items.append(self.stats())
        groups = self.vm.groups()
        if not groups and not self.vm.busy:
            items.append(
                empty_state(ft.Icons.HISTORY, t("history.none_title"), t("history.none_text"))
            )
        lang = self.ctx.settings.language
        first = True
        for month, sessions in groups.items():
            if month == UNDATED:  # no times, energy or cost to total: only what bills name
                title, totals = t("history.undated"), t("history.undated_note")
            else:
                kwh, cost, cur = self.vm.month_totals(month)
                title = fmt.month_title(t, month)
                totals = f"{fmt.kwh(kwh, lang)} · {fmt.money(cost, cur, lang)}"
            items.append(
                ft.Row(
                    [
                        ft.Text(title, size=16, weight=ft.FontWeight.BOLD, expand=True),
                        ft.Text(totals, color=ft.Colors.ON_SURFACE_VARIANT),
                    ]
                )
            )
            for s in sessions:
                items.append(self.session_tile(s, first))
                first = False
        if not self.vm.is_last:
            items.append(
                ft.TextButton(
                    t("history.more"),
                    tooltip=t("history.more"),
                    on_click=lambda e: self.host.run(self.vm.load_more()),
                )
            )
        return self.titled_list(
            self.header(t("history.title"), *exports), items, spacing=10, width=820
        )

    def stats(self) -> ft.Control:
        t = self.t
        st = self.vm.shown_statistics
        lang = self.ctx.settings.language
        if st is None:
            return ft.Container()
        row = ft.ResponsiveRow(
            [
                ft.Container(
                    metric(t("history.sessions"), str(st.sessions), ft.Icons.EV_STATION),
                    col={"xs": 6, "md": 3},
                ),
                ft.Container(
                    metric(
                        t("history.energy"),
                        fmt.kwh(st.energy_kwh, lang),
                        ft.Icons.BATTERY_CHARGING_FULL,
                        ENERGY_COLOUR,
                    ),
                    col={"xs": 6, "md": 3},
                ),
                ft.Container(
                    metric(t("history.cost"), fmt.money(st.cost, st.currency, lang), ft.Icons.EURO),
                    col={"xs": 6, "md": 3},
                ),
                ft.Container(
                    metric(
                        t("history.co2"),
                        fmt.with_unit(st.co2_saved_kg, "kg", 0, lang),
                        ft.Icons.ECO,
                        SOC_COLOUR,
                    ),
                    col={"xs": 6, "md": 3},
                ),
            ],
            spacing=10,
            run_spacing=10,
        )
        series = self.vm.monthly_series()
        chart = monthly_chart(series, t("history.chart"), lang) if series else ft.Container()
        return section(
            t("history.statistics"),
            row,
            *self.per_account(),
            ft.Text(t("history.chart"), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            chart,
        )

    def per_account(self) -> list[ft.Control]:
        """Statistics per account under the total (none while filtered on one)."""
        totals = self.vm.account_totals()
        if len(totals) < 2 or self.vm.by_account.selected is not None:
            return []
        t, lang = self.t, self.ctx.settings.language
        ids = self.ctx.account_ids()
        rows: list[ft.Control] = [
            ft.Text(t("backend.per_account"), size=12, color=ft.Colors.ON_SURFACE_VARIANT)
        ]
        for account_id, name, st in totals:
            figures = " · ".join(
                (
                    t("backend.sessions", n=st.sessions),
                    fmt.kwh(st.energy_kwh, lang),
                    fmt.money(st.cost, st.currency, lang),
                )
            )
            rows.append(
                ft.Semantics(
                    identifier=f"stats-{account_id}",
                    label=f"{name}: {figures}",
                    container=True,
                    # the badge keeps its width; on a phone the figures wrap beside it
                    content=ft.Row(
                        [
                            backend_badge(name, badge_colour(ids, account_id)),
                            ft.Text(figures, size=13, expand=True, text_align=ft.TextAlign.END),
                        ],
                        spacing=8,
                    ),
                )
            )
        return rows

    def session_tile(self, s: ChargingSession, first: bool) -> ft.Control:
        t = self.t
        lang = self.ctx.settings.language
        active = s.state.is_active
        undated = s.started_at is None and s.ended_at is None and not active
        tile = ft.Container(
            content=ft.Row(
                [
                    ft.Container(
                        ft.Icon(
                            ft.Icons.BOLT if active else ft.Icons.EV_STATION,
                            color=ft.Colors.ON_PRIMARY_CONTAINER,
                        ),
                        width=44,
                        height=44,
                        border_radius=12,
                        bgcolor=ft.Colors.PRIMARY_CONTAINER,
                        alignment=ft.Alignment.CENTER,
                    ),
                    ft.Column(
                        [
                            ft.Text(
                                s.station_name or s.evse_id or t("history.session"),
                                weight=ft.FontWeight.W_600,
                                max_lines=1,
                                overflow=ft.TextOverflow.ELLIPSIS,
                            ),
                            ft.Text(
                                t("history.billed")
                                if undated
                                else fmt.date_time(s.started_at, lang)
                                + (
                                    f" · {t('history.active')}"
                                    if active
                                    else f" · {fmt.duration(s.duration_s)}"
                                ),
                                size=12,
                                color=ft.Colors.ON_SURFACE_VARIANT,
                            ),
                            *account_badges(self.ctx, s.account_id),
                        ],
                        spacing=2,
                        expand=True,
                        tight=True,
                    ),
                    ft.Column(
                        [
                            ft.Text(
                                "" if undated else fmt.kwh(s.energy_kwh, lang),
                                weight=ft.FontWeight.W_600,
                            ),
                            ft.Text(
                                fmt.money(s.cost.total, s.cost.currency, lang) if s.cost else "",
                                size=12,
                            ),
                        ],
                        spacing=2,
                        tight=True,
                        horizontal_alignment=ft.CrossAxisAlignment.END,
                    ),
                ],
                spacing=12,
            ),
            padding=10,
            border_radius=16,
            bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
            ink=True,
            on_click=lambda e, sid=s.id: self.host.go(history_route(sid)),
        )
        account = self.ctx.account_name(s.account_id)
        return ft.Semantics(
            identifier="history-first" if first else "history-item",
            label=" · ".join(x for x in (s.station_name or s.id, account) if x),
            button=True,
            container=True,
            content=tile,
        )

    async def _save(self, data: bytes, name: str) -> None:
        picker = ft.FilePicker()
        try:
            await picker.save_file(
                file_name=name, src_bytes=data, dialog_title=self.t("history.save_as")
            )
            self.host.snack(self.t("history.exported", name=name))
        except Exception as exc:
            self.vm.error = self.t("history.export_failed", reason=str(exc))
            self.vm.notify()

    async def export_csv(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d")
        await self._save(await self.vm.export_csv(), f"voltra-sessions-{stamp}.csv")

    async def export_map(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d")
        await self._save(await self.vm.export_map(), f"voltra-map-{stamp}.html")


class SessionDetailScreen(Screen):
    def __init__(self, host: Host, session_id: str) -> None:
        super().__init__(host)
        self.vm: HistoryViewModel = host.history_vm
        self.session_id = session_id
        self._unsub = self.vm.subscribe(self.redraw)

    def close(self) -> None:
        self._unsub()

    def view(self, route: str) -> ft.View:
        self.root = ft.Container(content=self.content(), expand=True)
        self.host.run(self.vm.open(self.session_id))
        return ft.View(
            route=route,
            appbar=ft.AppBar(title=ft.Text(self.t("history.detail"))),
            controls=[self.root],
            padding=0,
        )

    def content(self) -> ft.Control:
        t = self.t
        lang = self.ctx.settings.language
        s = self.vm.detail
        if s is None or s.id != self.session_id:
            return ft.Container(ft.ProgressRing(), alignment=ft.Alignment.CENTER, expand=True)
        items: list[ft.Control] = [
            section(
                None,
                ft.Text(s.station_name or s.evse_id or "", size=20, weight=ft.FontWeight.BOLD),
                *account_badges(self.ctx, s.account_id),
                ft.Text(
                    " · ".join(x for x in (s.evse_id, s.card_uid) if x),
                    color=ft.Colors.ON_SURFACE_VARIANT,
                ),
                ft.Text(f"{fmt.date_time(s.started_at, lang)} – {fmt.date_time(s.ended_at, lang)}"),
                ft.Text(t(f"state.{s.state.value}"), weight=ft.FontWeight.W_600),
            ),
            ft.Row(
                [
                    metric(
                        t("charging.energy"),
                        fmt.kwh(s.energy_kwh, lang),
                        ft.Icons.BATTERY_CHARGING_FULL,
                        ENERGY_COLOUR,
                    ),
                    metric(t("charging.duration"), fmt.duration(s.duration_s), ft.Icons.TIMER),
                    metric(
                        t(cost_label_key(s) if s.cost else "history.cost"),
                        fmt.money(s.cost.total, s.cost.currency, lang) if s.cost else "–",
                        ft.Icons.EURO,
                    ),
                ],
                spacing=10,
            ),
        ]
        if s.cost and s.cost.items:
            rows = [
                ft.Row(
                    [
                        ft.Text(i.description, expand=True),
                        ft.Text(fmt.money(i.gross, s.cost.currency, lang)),
                    ]
                )
                for i in s.cost.items
            ]
            if s.cost.tax is not None:
                rows.append(
                    ft.Row(
                        [
                            ft.Text(t("history.tax_included"), expand=True, size=12),
                            ft.Text(fmt.money(s.cost.tax, s.cost.currency, lang), size=12),
                        ]
                    )
                )
            rows.append(ft.Divider())
            rows.append(
                ft.Row(
                    [
                        ft.Text(t("history.total"), weight=ft.FontWeight.BOLD, expand=True),
                        ft.Text(
                            fmt.money(s.cost.total, s.cost.currency, lang),
                            weight=ft.FontWeight.BOLD,
                        ),
                    ]
                )
            )
            items.append(section(t("history.cost_items"), *rows))
        meter = [
            ft.Row(
                [
                    ft.Text(t("history.meter_start"), expand=True),
                    ft.Text(fmt.kwh(s.meter_start_kwh, lang)),
                ]
            ),
            ft.Row(
                [
                    ft.Text(t("history.meter_end"), expand=True),
                    ft.Text(fmt.kwh(s.meter_end_kwh, lang)),
                ]
            ),
        ]
        for r in s.readings[-12:]:
            meter.append(
                ft.Row(
                    [
                        ft.Text(fmt.date_time(r.at, lang), expand=True, size=12),
                        ft.Text(
                            fmt.kwh(r.energy_kwh, lang) if r.energy_kwh is not None else "", size=12
                        ),
                        ft.Text(
                            fmt.kw(r.power_kw, lang) if r.power_kw is not None else "", size=12
                        ),
                    ]
                )
            )
        items.append(section(t("history.meter"), *meter))
        if s.co2_saved_kg is not None:
            items.append(
                section(
                    None,
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.ECO, color=SOC_COLOUR),
                            ft.Text(
                                t("history.co2_session", kg=fmt.number(s.co2_saved_kg, 1, lang))
                            ),
                        ]
                    ),
                )
            )
        return ft.ListView(
            controls=[
                ft.Container(
                    ft.Column(
                        items, spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
                    ),
                    padding=16,
                    width=760,
                )
            ],
            expand=True,
        )

    def redraw(self) -> None:
        if self.root is not None:
            self.root.content = self.content()
            safe_update(self.root)
