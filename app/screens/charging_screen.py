"""Charging: choose card, price, confirm; progress; live metrics and chart; stop."""

from __future__ import annotations

import flet as ft

from app import format as fmt
from app.components.backend_badge import account_badges
from app.components.charts import live_chart
from app.components.common import (
    empty_state,
    error_banner,
    metric,
    safe_update,
    section,
    set_metric,
)
from app.components.login_form import LoginForm
from app.components.pay_as_you_go import pay_as_you_go_panel
from app.host import Host
from app.screens.base import Screen
from app.theme import ENERGY_COLOUR, POWER_COLOUR, SOC_COLOUR
from app.viewmodels.charging_vm import Phase
from services.models import Card

STEPS = ("requested", "sent", "accepted", "charging")
LIMIT_ICONS = {
    "minutes": ft.Icons.TIMER_OUTLINED,
    "energy_kwh": ft.Icons.BATTERY_CHARGING_FULL,
    "cost": ft.Icons.EURO,
    "soc": ft.Icons.BATTERY_STD,
}


class ChargingScreen(Screen):
    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.vm = host.charging_vm
        self.vm.subscribe(self.redraw)
        host.account_vm.subscribe(self._account_changed)

        self._shown_phase: str | None = None
        self._live: dict[str, ft.Control] = {}
        self._chart_box: ft.Container | None = None
        self._error_box: ft.Container | None = None
        self._parking_box: ft.Container | None = None

    def redraw(self) -> None:
        """Live updates change values in place: rebuilding the tree every second would
        replace the Stop button under the driver's finger."""
        phase = self.vm.phase
        if phase == Phase.LIVE and self._shown_phase == Phase.LIVE and self._live:
            self.update_live()
            return
        self._shown_phase = phase
        self._live = {}
        super().redraw()

    def content(self) -> ft.Control:
        self._shown_phase = self.vm.phase
        return self._content()

    def update_live(self) -> None:
        vm, s = self.vm, self.vm.session
        if s is None:
            return
        lang = self.ctx.settings.language
        values = {
            "live-energy": fmt.kwh(s.energy_kwh, lang),
            "live-power": fmt.kw(s.power_kw, lang),
            "live-soc": fmt.percent(s.soc, lang),
            "live-duration": fmt.duration(s.duration_s),
            "live-cost": fmt.money(vm.cost_so_far, vm.currency, lang) or "–",
            "live-to80": self.to_80_text(),
        }
        for ident, value in values.items():
            set_metric(self._live[ident], value)
        if self._chart_box is not None:
            points = [(p.seconds, p.power_kw, p.soc) for p in vm.points]
            self._chart_box.content = live_chart(points, self.t("charging.chart"))
        if self._error_box is not None:
            self._error_box.content = error_banner(vm.error)
            self._error_box.visible = bool(vm.error)
        self.show_parking()
        safe_update(*self._live.values(), self._chart_box, self._error_box, self._parking_box)

    def to_80_text(self) -> str:
        minutes = self.vm.minutes_to_80
        if minutes is None:
            return "–"
        if minutes == 0:
            return self.t("charging.to_80_reached")
        return fmt.duration(max(1, round(minutes)) * 60)

    def _account_changed(self) -> None:
        if self.vm.phase == Phase.LOGIN:
            self.redraw()

    def on_show(self) -> None:
        if self.vm.phase == Phase.IDLE:
            self.host.run(self.vm.resume())

    def on_wedge_uid(self, uid: str) -> None:
        if self.vm.phase == Phase.CHOOSE and self.vm.choose_card_by_uid(uid):
            self.host.snack(self.t("charging.card_read", uid=uid))

    def _content(self) -> ft.Control:
        phase = self.vm.phase
        body = {
            Phase.IDLE: self.idle,
            Phase.LOGIN: self.login,
            Phase.CHOOSE: self.choose,
            Phase.STARTING: self.starting,
            Phase.LIVE: self.live,
            Phase.STOPPING: self.live,
            Phase.FINISHED: self.finished,
        }[phase]()
        return ft.Column(
            [
                self.header(self.t("charging.title")),
                ft.ListView(
                    controls=[
                        ft.Container(body, padding=ft.Padding.symmetric(horizontal=16), width=760)
                    ],
                    expand=True,
                ),
            ],
            expand=True,
            spacing=0,
        )

    # ------------------------------------------------------------------ phases
    def idle(self) -> ft.Control:
        t = self.t
        return empty_state(
            ft.Icons.EV_STATION,
            t("charging.none_title"),
            t("charging.none_text") if self.ctx.logged_in else t("charging.none_text_login"),
            ft.FilledButton(
                t("charging.find"),
                icon=ft.Icons.MAP,
                on_click=lambda e: self.host.go("/map"),
                tooltip=t("charging.find"),
            ),
        )

    def target(self) -> ft.Control:
        t = self.t
        s, c = self.vm.station, self.vm.connector
        if not (s and c):
            return ft.Container()
        lang = self.ctx.settings.language
        spec = " · ".join(
            x
            for x in (
                fmt.connector_title(t, c.plug_type.value, c.max_power_kw, lang),
                c.evse_id or "",
            )
            if x
        )
        return section(
            None,
            ft.Row(
                [
                    ft.Icon(ft.Icons.EV_STATION, color=ft.Colors.PRIMARY, size=32),
                    ft.Column(
                        [
                            ft.Text(s.name, size=18, weight=ft.FontWeight.BOLD),
                            ft.Text(spec, color=ft.Colors.ON_SURFACE_VARIANT),
                        ],
                        spacing=2,
                        expand=True,
                        tight=True,
                    ),
                ],
                spacing=12,
            ),
        )

    def login(self) -> ft.Control:
        form = LoginForm(
            self.host.account_vm,
            self.host.run,
            on_register=lambda: self.host.go("/account/register"),
        )
        return ft.Column(
            [
                self.target(),
                ft.Text(self.t("charging.login_first"), size=16),
                section(None, form.build()),
            ],
            spacing=14,
        )

    def card_option(self, card: Card) -> ft.Control:
        name = card.label or card.number or card.uid
        label = f"{name}  ·  {card.uid}"
        account = self.ctx.account_name(card.account_id)
        if account:
            # over several accounts: whose card, and what the typical session costs with it
            offer = self.vm.card_offer(card)
            cost = offer.typical_cost if offer is not None else None
            lang = self.ctx.settings.language
            price = fmt.money(cost.total, cost.currency, lang) if cost is not None else None
            label = " · ".join(x for x in (label, account, price) if x)
        return ft.Radio(
            value=card.id,
            label=label,
            tooltip=self.t("charging.use_card", name=name),
        )

    def choose(self) -> ft.Control:
        t = self.t
        vm = self.vm
        lang = self.ctx.settings.language
        cards = vm.usable_cards()
        items: list[ft.Control] = [self.target()]
        if cards:
            items.append(
                section(
                    t("charging.card"),
                    *(
                        [ft.Text(t("charging.cheapest_first"), size=12,
                                 color=ft.Colors.ON_SURFACE_VARIANT)]
                        if vm.priced_by_account
                        else []
                    ),
                    ft.RadioGroup(
                        value=vm.card_id,
                        on_change=lambda e: vm.choose_card(e.control.value),
                        content=ft.Column([self.card_option(c) for c in cards], spacing=4),
                    ),
                    self.uid_entry() if self.ctx.config.kiosk else ft.Container(),
                )
            )
        elif self.host.payment_vm.offered and vm.connector and not self.ctx.config.kiosk:
            items.append(pay_as_you_go_panel(self.host, vm.connector))
        else:
            items.append(
                section(
                    t("charging.card"),
                    ft.Text(t("charging.no_cards")),
                    ft.OutlinedButton(
                        t("cards.add"),
                        icon=ft.Icons.ADD_CARD,
                        on_click=lambda e: self.host.go("/cards"),
                        tooltip=t("cards.add"),
                    ),
                )
            )
        items.append(
            section(
                t("charging.price"),
                ft.Row(
                    [
                        ft.Icon(ft.Icons.EURO, color=ft.Colors.PRIMARY),
                        ft.Text(fmt.tariff_text(t, vm.tariff, lang), expand=True),
                    ]
                ),
                ft.Text(t("charging.price_note"), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            )
        )
        limits = self.limits()
        if limits is not None:
            items.append(limits)
        if vm.error:
            items.append(error_banner(vm.error))
        items.append(
            ft.Row(
                [
                    ft.OutlinedButton(
                        t("common.cancel"),
                        on_click=lambda e: vm.done(),
                        tooltip=t("common.cancel"),
                        height=52,
                    ),
                    ft.FilledButton(
                        t("charging.confirm"),
                        icon=ft.Icons.BOLT,
                        on_click=lambda e: self.host.run(vm.start()),
                        disabled=not vm.card_id,
                        visible=bool(cards),
                        tooltip=t("charging.confirm"),
                        height=52,
                        expand=True,
                    ),
                ],
                spacing=12,
            )
        )
        return ft.Column(items, spacing=14)

    def limits(self) -> ft.Control | None:
        """A field per limit the back end enforces; checked when the field is left."""
        t, vm = self.t, self.vm
        kinds = vm.offered_limits()
        if not kinds:
            return None

        def field(kind: str) -> ft.Control:
            value = getattr(vm.limits, kind)
            return ft.TextField(
                label=t(f"charging.limit.{kind}"),
                value="" if value is None else f"{value:g}",
                prefix_icon=LIMIT_ICONS[kind],
                keyboard_type=ft.KeyboardType.NUMBER,
                on_blur=lambda e, k=kind: vm.set_limit(k, e.control.value or ""),
                on_submit=lambda e, k=kind: vm.set_limit(k, e.control.value or ""),
                width=220,
                dense=True,
            )

        return section(
            t("charging.limits"),
            ft.Row([field(k) for k in kinds], wrap=True, spacing=12, run_spacing=12),
            ft.Text(t("charging.limits_note"), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
        )

    def uid_entry(self) -> ft.Control:
        t = self.t

        def submit(e):
            self.vm.choose_card_by_uid(e.control.value or "")

        return ft.TextField(
            label=t("charging.card_uid"),
            hint_text=t("charging.card_uid_hint"),
            prefix_icon=ft.Icons.CONTACTLESS,
            on_submit=submit,
            capitalization=ft.TextCapitalization.CHARACTERS,
            text_size=20,
        )

    def starting(self) -> ft.Control:
        t = self.t
        done = set(self.vm.progress)
        rows = []
        for step in STEPS:
            reached = step in done
            rows.append(
                ft.Row(
                    [
                        ft.Icon(
                            ft.Icons.CHECK_CIRCLE if reached else ft.Icons.RADIO_BUTTON_UNCHECKED,
                            color=ft.Colors.PRIMARY if reached else ft.Colors.OUTLINE,
                        ),
                        ft.Text(
                            t(f"charging.step.{step}"),
                            weight=ft.FontWeight.W_600 if reached else None,
                        ),
                    ]
                )
            )
        return ft.Column(
            [
                self.target(),
                section(
                    t("charging.starting"),
                    ft.Row(
                        [
                            ft.ProgressRing(width=28, height=28),
                            ft.Text(t("charging.contacting"), expand=True),
                        ],
                        spacing=12,
                    ),
                    *rows,
                    ft.Text(t("charging.plug_in"), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                ),
            ],
            spacing=14,
        )

    def show_parking(self) -> None:
        vm, box = self.vm, self._parking_box
        if box is None:
            return
        due = vm.parking_from is not None and vm.tariff is not None
        box.content = self.parking_warning(vm.parking_from, vm.tariff) if due else None
        box.visible = due

    def parking_warning(self, start, tariff) -> ft.Control:
        """The car is full and still plugged in: when parking starts to cost."""
        text = self.t(
            "charging.parking_from",
            time=start.astimezone().strftime("%H:%M"),
            price=fmt.money(tariff.parking_per_minute, tariff.currency, self.ctx.settings.language),
        )
        return ft.Semantics(
            identifier="parking-warning",
            label=text,
            container=True,
            content=ft.Container(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.LOCAL_PARKING, color=ft.Colors.ON_TERTIARY_CONTAINER),
                        ft.Text(text, color=ft.Colors.ON_TERTIARY_CONTAINER, expand=True),
                    ],
                    spacing=10,
                ),
                bgcolor=ft.Colors.TERTIARY_CONTAINER,
                border_radius=16,
                padding=14,
            ),
        )

    def live(self) -> ft.Control:
        t = self.t
        vm = self.vm
        s = vm.session
        assert s is not None
        lang = self.ctx.settings.language
        stopping = vm.phase == Phase.STOPPING
        metrics = [
            metric(
                t("charging.energy"),
                fmt.kwh(s.energy_kwh, lang),
                ft.Icons.BATTERY_CHARGING_FULL,
                ENERGY_COLOUR,
                big=True,
                ident="live-energy",
            ),
            metric(
                t("charging.power"),
                fmt.kw(s.power_kw, lang),
                ft.Icons.BOLT,
                POWER_COLOUR,
                big=True,
                ident="live-power",
            ),
        ]
        metrics2 = [
            metric(
                t("charging.soc"),
                fmt.percent(s.soc, lang),
                ft.Icons.BATTERY_STD,
                SOC_COLOUR,
                ident="live-soc",
            ),
            metric(
                t("charging.duration"),
                fmt.duration(s.duration_s),
                ft.Icons.TIMER,
                ident="live-duration",
            ),
            metric(
                t("charging.cost"),
                fmt.money(vm.cost_so_far, vm.currency, lang) or "–",
                ft.Icons.EURO,
                ident="live-cost",
            ),
            metric(t("charging.to_80"), self.to_80_text(), ft.Icons.SPEED, ident="live-to80"),
        ]
        title = s.station_name or (vm.station.name if vm.station else "")
        header = ft.Container(
            content=ft.Row(
                [
                    ft.Container(
                        ft.ProgressRing(
                            width=22,
                            height=22,
                            stroke_width=3,
                            color=ft.Colors.ON_PRIMARY_CONTAINER,
                        )
                    ),
                    ft.Column(
                        [
                            ft.Text(
                                t("charging.stopping") if stopping else t("charging.live"),
                                size=18,
                                weight=ft.FontWeight.BOLD,
                                color=ft.Colors.ON_PRIMARY_CONTAINER,
                            ),
                            ft.Text(
                                " · ".join(x for x in (title, s.evse_id or "") if x),
                                color=ft.Colors.ON_PRIMARY_CONTAINER,
                            ),
                            *account_badges(self.ctx, s.account_id),
                        ],
                        spacing=2,
                        tight=True,
                        expand=True,
                    ),
                ],
                spacing=14,
            ),
            bgcolor=ft.Colors.PRIMARY_CONTAINER,
            border_radius=20,
            padding=18,
        )
        points = [(p.seconds, p.power_kw, p.soc) for p in vm.points]
        self._chart_box = ft.Container(live_chart(points, t("charging.chart")))
        self._error_box = ft.Container(error_banner(vm.error), visible=bool(vm.error))
        self._parking_box = ft.Container()
        self.show_parking()
        items: list[ft.Control] = [
            header,
            self._parking_box,
            ft.Row(metrics, spacing=12),
            ft.Row(metrics2[:1] + metrics2[-1:], spacing=12),
            ft.Row(metrics2[1:-1], spacing=12),
            section(
                t("charging.chart"),
                ft.Row(
                    [
                        ft.Container(width=14, height=4, bgcolor=POWER_COLOUR),
                        ft.Text(t("charging.power"), size=12),
                        ft.Container(width=14, height=4, bgcolor=SOC_COLOUR),
                        ft.Text(t("charging.soc"), size=12),
                    ],
                    spacing=6,
                ),
                self._chart_box,
            ),
            self._error_box,
        ]
        for m in (*metrics, *metrics2):
            self._live[m.identifier] = m
        items.append(
            ft.FilledButton(
                t("charging.stop"),
                icon=ft.Icons.STOP_CIRCLE,
                on_click=lambda e: self.host.run(vm.stop()),
                disabled=stopping,
                tooltip=t("charging.stop"),
                height=56,
                width=float("inf"),
                style=ft.ButtonStyle(bgcolor=ft.Colors.ERROR, color=ft.Colors.ON_ERROR),
            )
        )
        return ft.Column(items, spacing=14)

    def finished(self) -> ft.Control:
        t = self.t
        vm = self.vm
        s = vm.session
        assert s is not None
        lang = self.ctx.settings.language
        failed = s.state.value == "FAILED"
        return ft.Column(
            [
                empty_state(
                    ft.Icons.ERROR_OUTLINE if failed else ft.Icons.TASK_ALT,
                    t("charging.failed") if failed else t("charging.finished"),
                    s.failure_reason or (s.station_name or ""),
                ),
                ft.Row(
                    [
                        metric(
                            t("charging.energy"),
                            fmt.kwh(s.energy_kwh, lang),
                            ft.Icons.BATTERY_CHARGING_FULL,
                            ENERGY_COLOUR,
                            ident="final-energy",
                        ),
                        metric(t("charging.duration"), fmt.duration(s.duration_s), ft.Icons.TIMER),
                        metric(
                            t(vm.cost_label_key),
                            fmt.money(vm.cost_so_far, vm.currency, lang) or "–",
                            ft.Icons.EURO,
                            ident="final-cost",
                        ),
                    ],
                    spacing=12,
                ),
                ft.Row(
                    [
                        ft.OutlinedButton(
                            t("charging.to_history"),
                            icon=ft.Icons.HISTORY,
                            on_click=lambda e: (vm.done(), self.host.go("/history")),
                            tooltip=t("charging.to_history"),
                        ),
                        ft.FilledButton(
                            t("common.done"), on_click=lambda e: vm.done(), tooltip=t("common.done")
                        ),
                    ],
                    spacing=12,
                    alignment=ft.MainAxisAlignment.END,
                ),
            ],
            spacing=14,
        )
