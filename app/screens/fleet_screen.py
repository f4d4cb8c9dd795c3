"""Fleet: the organisation's members with status, payment method and subscription; the
sessions of the member picked; the sessions as CSV."""

from __future__ import annotations

from datetime import datetime

import flet as ft

from app import format as fmt
from app.components.common import error_banner, icon_button, section
from app.host import Host
from app.screens.base import Screen
from app.viewmodels.fleet_vm import FleetViewModel
from services.models import ChargingSession, FleetMember, FleetMemberStatus

STATUS_COLOURS = {
    FleetMemberStatus.ACTIVE: ft.Colors.GREEN,
    FleetMemberStatus.PENDING: ft.Colors.AMBER,
    FleetMemberStatus.REVOKED: ft.Colors.RED,
    FleetMemberStatus.TERMINATED: ft.Colors.GREY,
    FleetMemberStatus.UNKNOWN: ft.Colors.GREY,
}


class FleetScreen(Screen):
    def __init__(self, host: Host, vm: FleetViewModel) -> None:
        super().__init__(host)
        self.vm = vm
        self.vm.subscribe(self.redraw)

    def on_show(self) -> None:
        if self.vm.available and not self.vm.loaded and not self.vm.busy:
            self.host.run(self.vm.load())

    def content(self) -> ft.Control:
        t = self.t
        if not self.vm.available:
            return self.sign_in_first(ft.Icons.GROUPS, t("fleet.title"), t("fleet.login_text"))
        export = icon_button(
            ft.Icons.TABLE_VIEW,
            t("fleet.export_csv"),
            lambda e: self.host.run(self.export_csv()),
            disabled=self.vm.busy,
        )
        items: list[ft.Control] = []
        if self.vm.error:
            items.append(error_banner(self.vm.error))
        if self.vm.busy and not self.vm.members:
            items.append(ft.ProgressBar())
        members = self.members()
        if self.vm.selected is None:
            items.append(members)
        elif self.host.narrow:
            items += [self.member_sessions(), members]
        else:
            items.append(
                ft.Row(
                    [
                        ft.Container(members, expand=1),
                        ft.Container(self.member_sessions(), expand=1),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                    spacing=14,
                )
            )
        return ft.Column(
            [
                self.header(t("fleet.title"), export),
                ft.ListView(
                    controls=[
                        ft.Container(
                            ft.Column(items, spacing=14),
                            padding=ft.Padding.only(left=16, right=16, bottom=24),
                        )
                    ],
                    expand=True,
                ),
            ],
            expand=True,
            spacing=0,
        )

    def members(self) -> ft.Control:
        t = self.t
        counts = self.vm.counts()
        summary = " · ".join(
            f"{t(f'fleet.status.{status.value.lower()}')}: {n}" for status, n in counts.items()
        )
        rows: list[ft.Control] = [self.member_row(m) for m in self.vm.members]
        if not rows and self.vm.loaded:
            rows.append(ft.Text(t("fleet.no_members"), color=ft.Colors.ON_SURFACE_VARIANT))
        return section(
            t("fleet.members", n=len(self.vm.members)),
            *([ft.Text(summary, size=12, color=ft.Colors.ON_SURFACE_VARIANT)] if summary else []),
            *rows,
        )

    def member_facts(self, m: FleetMember) -> list[str]:
        t = self.t
        lang = self.ctx.settings.language
        pay = m.has_payment_method
        facts = [
            t(self.vm.status_key(m)),
            t("fleet.payment_unknown")
            if pay is None
            else t("fleet.payment_yes")
            if pay
            else t("fleet.payment_no"),
        ]
        sub = m.subscription
        if sub is None:
            facts.append(t("fleet.no_subscription"))
        else:
            plan = sub.plan or ""
            until = fmt.date(sub.ends_at, lang) if sub.ends_at else None
            facts.append(
                t("fleet.subscription_until", plan=plan, date=until)
                if until
                else t("fleet.subscription_plan", plan=plan)
            )
        return facts

    def member_row(self, m: FleetMember) -> ft.Control:
        name = m.name or m.email or m.id
        facts = self.member_facts(m)
        pay = m.has_payment_method
        selected = self.vm.selected is not None and self.vm.selected.id == m.id
        tile = ft.ListTile(
            leading=ft.Icon(ft.Icons.CIRCLE, size=14, color=STATUS_COLOURS[m.status]),
            title=ft.Text(name, weight=ft.FontWeight.W_600),
            subtitle=ft.Column(
                [
                    *([ft.Text(m.email, size=12)] if m.email and m.email != name else []),
                    ft.Row(self.fact_row(facts, pay), spacing=6, wrap=True),
                ],
                spacing=2,
                tight=True,
            ),
            selected=selected,
            on_click=lambda e, member_id=m.id: self.host.run(self.vm.open_member(member_id)),
            content_padding=ft.Padding.only(left=4, right=4),
        )
        return ft.Semantics(
            identifier="fleet-member",
            label=", ".join(x for x in [name, m.email if m.email != name else None, *facts] if x),
            button=True,
            container=True,
            content=tile,
        )

    @staticmethod
    def fact_row(facts: list[str], pay: bool | None) -> list[ft.Control]:
        return [
            ft.Text(facts[0], size=12),
            ft.Icon(
                ft.Icons.CREDIT_CARD if pay else ft.Icons.CREDIT_CARD_OFF,
                size=14,
                color=ft.Colors.PRIMARY if pay else ft.Colors.ON_SURFACE_VARIANT,
            ),
            ft.Text(facts[1], size=12),
            ft.Text(facts[2], size=12, color=ft.Colors.ON_SURFACE_VARIANT),
        ]

    def member_sessions(self) -> ft.Control:
        t = self.t
        m = self.vm.selected
        assert m is not None
        rows: list[ft.Control] = [self.session_row(s) for s in self.vm.sessions]
        if not rows:
            rows.append(
                ft.Text(
                    t("fleet.loading") if self.vm.busy else t("fleet.no_sessions"),
                    color=ft.Colors.ON_SURFACE_VARIANT,
                )
            )
        return ft.Semantics(
            identifier="member-sessions",
            container=True,
            content=section(
                t("fleet.sessions_of", name=m.email or m.name or m.id),
                *rows,
                trailing=icon_button(
                    ft.Icons.CLOSE, t("common.close"), lambda e: self.vm.close_member()
                ),
            ),
        )

    def session_row(self, s: ChargingSession) -> ft.Control:
        lang = self.ctx.settings.language
        cost = fmt.money(s.cost.total, s.cost.currency, lang) if s.cost else ""
        when = fmt.date_time(s.started_at, lang)
        detail = " · ".join(x for x in (when, fmt.kwh(s.energy_kwh, lang), cost) if x)
        title = s.station_name or s.evse_id or s.id
        return ft.Semantics(
            identifier="member-session",
            label=f"{title}, {detail}",
            container=True,
            content=ft.Row(
                [
                    ft.Icon(ft.Icons.EV_STATION, color=ft.Colors.PRIMARY),
                    ft.Column(
                        [
                            ft.Text(title, weight=ft.FontWeight.W_600),
                            ft.Text(detail, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                        ],
                        spacing=2,
                        tight=True,
                        expand=True,
                    ),
                ],
                spacing=12,
            ),
        )

    async def export_csv(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d")
        who = f"-{self.vm.selected.id}" if self.vm.selected else ""
        name = f"voltra-fleet-sessions{who}-{stamp}.csv"
        picker = ft.FilePicker()
        try:
            data = await self.vm.export_csv()
            await picker.save_file(
                file_name=name, src_bytes=data, dialog_title=self.t("history.save_as")
            )
            self.host.snack(self.t("history.exported", name=name))
        except Exception as exc:
            self.vm.error = self.t("history.export_failed", reason=str(exc))
            self.vm.notify()
