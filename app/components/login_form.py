"""The login form (Account tab and the Charging tab when nobody is logged in)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from app.context import DEMO_EMAIL, DEMO_PASSWORD
from app.viewmodels.account_vm import AccountViewModel


class LoginForm:
    def __init__(
        self,
        vm: AccountViewModel,
        run: Callable[[Awaitable], None],
        on_register: Callable[[], None] | None = None,
    ) -> None:
        self.vm, self.run, self.on_register = vm, run, on_register

    def build(self) -> ft.Control:
        t = self.vm.ctx.t
        kiosk = self.vm.ctx.config.kiosk
        email = ft.TextField(
            label=t("account.email"),
            keyboard_type=ft.KeyboardType.EMAIL,
            autofill_hints=None if kiosk else [ft.AutofillHint.EMAIL],
            prefix_icon=ft.Icons.EMAIL_OUTLINED,
            value=self.vm.email_draft,
            error=self.vm.field_errors.get("email"),
            text_size=20 if kiosk else None,
        )
        password = ft.TextField(
            label=t("account.password"),
            password=True,
            can_reveal_password=True,
            prefix_icon=ft.Icons.LOCK_OUTLINE,
            error=self.vm.field_errors.get("password"),
            text_size=20 if kiosk else None,
        )

        async def login(_=None):
            await self.vm.login(email.value or "", password.value or "")

        password.on_submit = lambda e: self.run(login())

        def fill_demo(_):
            email.value, password.value = DEMO_EMAIL, DEMO_PASSWORD
            email.update()
            password.update()

        items: list[ft.Control] = [
            ft.Text(t("account.login_title"), size=22, weight=ft.FontWeight.BOLD),
            ft.Text(t("account.login_text"), color=ft.Colors.ON_SURFACE_VARIANT),
            email,
            password,
        ]
        if self.vm.error:
            items.append(
                ft.Text(self.vm.error, color=ft.Colors.ERROR, semantics_label=self.vm.error)
            )
        items.append(
            ft.FilledButton(
                t("account.login"),
                icon=ft.Icons.LOGIN,
                on_click=lambda e: self.run(login()),
                disabled=self.vm.busy,
                height=56 if kiosk else 48,
                width=float("inf"),
            )
        )
        if self.vm.show_demo_hint:
            hint = t("account.demo_hint", email=DEMO_EMAIL, password=DEMO_PASSWORD)
            items.append(
                ft.Semantics(
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
            )
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
