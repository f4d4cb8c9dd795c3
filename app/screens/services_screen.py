"""Account -> Charging services: the back ends, the accounts signed in on each (with their
state), a sign-in form per kind of sign-in, and "Use demo accounts"."""

from __future__ import annotations

import flet as ft

from app.components.backend_badge import STATE_ICONS, badge_colour
from app.components.common import error_banner, safe_update, section
from app.host import Host
from app.screens.base import Screen
from app.viewmodels.services_vm import ChargingServicesViewModel, ServiceRow


class ServicesScreen(Screen):
    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.vm: ChargingServicesViewModel = host.services_vm
        self._unsub = self.vm.subscribe(self.on_vm)

    def close(self) -> None:
        self._unsub()

    def on_vm(self) -> None:
        if self.vm.message:
            self.host.snack(self.vm.message)
            self.vm.message = None
        self.redraw()

    def view(self, route: str) -> ft.View:
        self.root = ft.Container(content=self.content(), expand=True)
        return ft.View(
            route=route,
            appbar=ft.AppBar(title=ft.Text(self.t("services.title"))),
            controls=[self.root],
            padding=0,
        )

    def content(self) -> ft.Control:
        t, vm = self.t, self.vm
        items: list[ft.Control] = [
            ft.Text(t("services.text"), color=ft.Colors.ON_SURFACE_VARIANT),
        ]
        if vm.offers_demo:
            items.append(
                ft.Semantics(
                    identifier="demo-accounts",
                    container=True,
                    content=ft.FilledTonalButton(
                        t("services.use_demo"),
                        icon=ft.Icons.BOLT,
                        tooltip=t("services.use_demo"),
                        on_click=lambda e: self.host.run(vm.use_demo()),
                        disabled=vm.busy,
                    ),
                )
            )
        if vm.busy:
            items.append(ft.ProgressBar())
        if vm.error and vm.open_form is None:
            items.append(error_banner(vm.error))
        items += [self.service(row) for row in vm.rows()]
        return ft.ListView(
            controls=[
                ft.Container(
                    ft.Column(items, spacing=14),
                    padding=ft.Padding.only(left=16, right=16, top=12, bottom=24),
                    width=760,
                )
            ],
            expand=True,
        )

    def service(self, row: ServiceRow) -> ft.Control:
        t, vm = self.t, self.vm
        states = vm.states()
        ids = self.ctx.account_ids()
        rows: list[ft.Control] = [self.account_row(a, states.get(a.id), ids) for a in row.accounts]
        if vm.open_form == row.provider:
            rows.append(self.form(row))
        else:
            label = t("services.add_another" if row.accounts else "services.sign_in")
            rows.append(
                ft.Row(
                    [
                        ft.OutlinedButton(
                            label,
                            icon=ft.Icons.LOGIN,
                            tooltip=t("services.sign_in_to", service=t(f"provider.{row.provider}")),
                            on_click=lambda e, p=row.provider: vm.open(p),
                        )
                    ],
                    alignment=ft.MainAxisAlignment.END,
                )
            )
        return section(t(f"provider.{row.provider}"), *rows)

    def account_row(self, account, state, ids: list[str]) -> ft.Control:
        t, vm = self.t, self.vm
        kind = getattr(state, "state", None) or "ready"
        kind = getattr(kind, "value", kind)
        if kind == "loading":  # a search is under way: the account itself is signed in
            kind = "ready"
        icon, colour = STATE_ICONS.get(kind, STATE_ICONS["ready"])
        status = t(f"services.state.{kind}")
        detail = getattr(state, "detail", None)
        lines = [
            ft.Text(account.name, weight=ft.FontWeight.W_600, color=badge_colour(ids, account.id)),
            ft.Text(
                " · ".join(x for x in (account.username, status) if x),
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
        ]
        if kind == "failed" and detail:
            lines.append(ft.Text(detail, size=12, color=ft.Colors.ERROR))
        return ft.Semantics(
            identifier=f"account-{account.id}",
            label=f"{account.name}: {status}",
            container=True,
            content=ft.Row(
                [
                    ft.Icon(icon, color=colour),
                    ft.Column(lines, spacing=2, tight=True, expand=True),
                    ft.IconButton(
                        ft.Icons.EDIT_OUTLINED,
                        tooltip=t("services.rename", name=account.name),
                        on_click=lambda e, a=account: self.rename_dialog(a),
                    ),
                    ft.TextButton(
                        t("services.sign_out"),
                        tooltip=t("services.sign_out_of", name=account.name),
                        on_click=lambda e, a=account.id: self.host.run(vm.sign_out(a)),
                        disabled=vm.busy,
                    ),
                ],
                spacing=8,
            ),
        )

    def form(self, row: ServiceRow) -> ft.Control:
        t, vm = self.t, self.vm
        errors = vm.field_errors
        name = ft.TextField(
            label=t("services.name"),
            value=vm.name_draft,
            error=errors.get("name"),
            prefix_icon=ft.Icons.LABEL_OUTLINE,
        )
        url = ft.TextField(
            label=t("settings.url"),
            value=vm.url_draft,
            error=errors.get("url"),
            prefix_icon=ft.Icons.LINK,
            keyboard_type=ft.KeyboardType.URL,
        )
        inputs: dict[str, ft.TextField] = {
            f.key: ft.TextField(
                label=t(f.label),
                password=f.secret,
                can_reveal_password=f.secret,
                keyboard_type=ft.KeyboardType.EMAIL if f.email else None,
                prefix_icon=ft.Icons.LOCK_OUTLINE
                if f.secret
                else ft.Icons.EMAIL_OUTLINED
                if f.email
                else ft.Icons.BADGE_OUTLINED,
                value=None if f.secret else vm.drafts.get(f.key, ""),
                error=errors.get(f.key),
            )
            for f in row.fields
        }

        async def submit(_=None) -> None:
            await vm.sign_in(
                row.provider,
                {k: field.value or "" for k, field in inputs.items()},
                url.value or "",
                name.value or "",
            )

        def fill_demo(_) -> None:
            for key, value in vm.demo_values(row.provider).items():
                if key in inputs:
                    inputs[key].value = value
            safe_update(*inputs.values())

        list(inputs.values())[-1].on_submit = lambda e: self.host.run(submit())
        items: list[ft.Control] = [name, url, *inputs.values()]
        if vm.error:
            items.append(error_banner(vm.error))
        buttons: list[ft.Control] = [
            ft.TextButton(
                t("common.cancel"), tooltip=t("common.cancel"), on_click=lambda e: vm.open(None)
            ),
        ]
        if vm.demo_values(row.provider):
            buttons.append(
                ft.TextButton(
                    t("account.use_demo"), tooltip=t("account.use_demo"), on_click=fill_demo
                )
            )
        buttons.append(
            ft.FilledButton(
                t("account.login"),
                icon=ft.Icons.LOGIN,
                tooltip=t("account.login"),
                on_click=lambda e: self.host.run(submit()),
                disabled=vm.busy,
            )
        )
        items.append(ft.Row(buttons, alignment=ft.MainAxisAlignment.END, wrap=True))
        return ft.Column(items, spacing=12, tight=True)

    def rename_dialog(self, account) -> None:
        t, page = self.t, self.host.page
        field = ft.TextField(label=t("services.name"), value=account.name, autofocus=True)

        async def save(_=None) -> None:
            if await self.vm.rename(account.id, field.value or ""):
                page.pop_dialog()
            else:
                field.error = self.vm.error
                safe_update(field)

        field.on_submit = lambda e: self.host.run(save())
        page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(t("services.rename", name=account.name)),
                content=ft.Container(field, width=360),
                actions=[
                    ft.TextButton(
                        t("common.cancel"),
                        tooltip=t("common.cancel"),
                        on_click=lambda e: page.pop_dialog(),
                    ),
                    ft.FilledButton(
                        t("common.save"),
                        tooltip=t("common.save"),
                        on_click=lambda e: self.host.run(save()),
                    ),
                ],
            )
        )
