"""The sign-in form (Account tab and the Charging tab when nobody is signed in): asks for
what the chosen back end's API needs (e-mail + password, API key + e-mail, OAuth client +
user), with the back end's URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from app.viewmodels.account_vm import AccountViewModel


def known_providers() -> list[str]:
    """Providers this build can talk to (the registry knows which are implemented)."""
    from services import registry

    return registry.implemented_providers()


class LoginForm:
    def __init__(
        self,
        vm: AccountViewModel,
        run: Callable[[Awaitable], None],
        on_register: Callable[[], None] | None = None,
    ) -> None:
        self.vm, self.run, self.on_register = vm, run, on_register

    def build(self) -> ft.Control:
        vm = self.vm
        t = vm.ctx.t
        kiosk = vm.ctx.config.kiosk
        size = 20 if kiosk else None
        inputs: dict[str, ft.TextField] = {}
        for f in vm.fields:
            inputs[f.key] = ft.TextField(
                label=t(f.label),
                password=f.secret,
                can_reveal_password=f.secret,
                keyboard_type=ft.KeyboardType.EMAIL if f.email else None,
                autofill_hints=[ft.AutofillHint.EMAIL] if f.email and not kiosk else None,
                prefix_icon=ft.Icons.LOCK_OUTLINE
                if f.secret
                else ft.Icons.EMAIL_OUTLINED
                if f.email
                else ft.Icons.BADGE_OUTLINED,
                value=None if f.secret else vm.drafts.get(f.key, vm.email_draft if f.email else ""),
                error=vm.field_errors.get(f.key),
                text_size=size,
            )
        url = ft.TextField(
            label=t("settings.url"),
            value=vm.url_draft,
            error=vm.field_errors.get("url"),
            prefix_icon=ft.Icons.LINK,
            keyboard_type=ft.KeyboardType.URL,
            # a kiosk's operator fixed the back end: nothing to choose there
            visible=not kiosk,
        )

        async def login(_=None):
            await vm.sign_in({k: field.value or "" for k, field in inputs.items()}, url.value or "")

        list(inputs.values())[-1].on_submit = lambda e: self.run(login())

        def fill_demo(_):
            for key, value in vm.demo_values.items():
                if key in inputs:
                    inputs[key].value = value
                    inputs[key].update()

        items: list[ft.Control] = [
            ft.Text(t("account.login_title"), size=22, weight=ft.FontWeight.BOLD),
            ft.Text(t("account.login_text"), color=ft.Colors.ON_SURFACE_VARIANT),
        ]
        providers = known_providers()
        if not kiosk and len(providers) > 1:
            items.append(
                ft.Dropdown(
                    label=t("signin.service"),
                    value=vm.chosen,
                    options=[ft.DropdownOption(key=n, text=t(f"provider.{n}")) for n in providers],
                    on_select=lambda e: vm.choose(e.control.value),
                    leading_icon=ft.Icons.HUB_OUTLINED,
                    width=float("inf"),
                    tooltip=t("signin.service"),
                )
            )
        items += [url, *inputs.values()]
        if vm.error:
            items.append(ft.Text(vm.error, color=ft.Colors.ERROR, semantics_label=vm.error))
        items.append(
            ft.FilledButton(
                t("account.login"),
                icon=ft.Icons.LOGIN,
                on_click=lambda e: self.run(login()),
                disabled=vm.busy,
                height=56 if kiosk else 48,
                width=float("inf"),
            )
        )
        if vm.show_demo_hint:
            items.append(self.demo_hint(fill_demo))
        if self.on_register and not kiosk:
            items.append(
                ft.TextButton(
                    t("account.create_account"),
                    icon=ft.Icons.PERSON_ADD_ALT,
                    on_click=lambda e: self.on_register(),
                    tooltip=t("account.create_account"),
                )
            )
        return ft.Container(
            content=ft.Column(
                items,
                spacing=14,
                tight=True,
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
            ),
            padding=20,
            width=480,
        )

    def demo_hint(self, fill_demo) -> ft.Control:
        t = self.vm.ctx.t
        hint = t("account.demo_hint", values=" / ".join(self.vm.demo_values.values()))
        return ft.Semantics(
            identifier="demo-hint",
            label=hint,
            container=True,
            content=ft.Container(
                # The button under the text: beside it, a phone breaks the email
                content=ft.Column(
                    [
                        ft.Row(
                            [
                                ft.Icon(ft.Icons.INFO_OUTLINE, color=ft.Colors.PRIMARY),
                                ft.Text(hint, expand=True, size=13),
                            ],
                            spacing=10,
                        ),
                        ft.TextButton(
                            t("account.use_demo"),
                            on_click=fill_demo,
                            tooltip=t("account.use_demo"),
                        ),
                    ],
                    spacing=4,
                    tight=True,
                    horizontal_alignment=ft.CrossAxisAlignment.END,
                ),
                bgcolor=ft.Colors.PRIMARY_CONTAINER,
                border_radius=12,
                padding=12,
            ),
        )
