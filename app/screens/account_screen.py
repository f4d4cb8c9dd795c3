"""Account: login/register, profile, documents, terms, settings; the register view."""

from __future__ import annotations

import flet as ft

from app import format as fmt
from app.components.backend_badge import account_badges, account_filter
from app.components.common import error_banner, icon_button, safe_update, section
from app.components.login_form import LoginForm
from app.components.pay_as_you_go import open_page
from app.components.services_tile import services_tile, typical_session_fields
from app.host import Host
from app.i18n import LANGUAGES
from app.screens.base import Screen
from services.models import Document
from services.provider import Capability


def known_providers() -> list[str]:
    """Providers this build can talk to (the registry knows which are implemented)."""
    from services import registry

    return registry.implemented_providers()


class AccountScreen(Screen):
    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.vm = host.account_vm
        self.vm.subscribe(self.on_vm)
        host.payment_vm.subscribe(self.redraw)

    def on_vm(self) -> None:
        if self.vm.message:
            self.host.snack(self.vm.message)
            self.vm.message = None
        self.check_payment()
        self.redraw()

    def check_payment(self) -> None:
        """Whether a payment method is saved: asked once per login (after a login the
        screen is already on show)."""
        payment = self.host.payment_vm
        if payment.offered and payment.has_method is None and not payment.busy:
            payment.busy = True
            self.host.run(payment.check_method())

    def on_show(self) -> None:
        # every time: a session that ended since adds its invoice or receipt
        if self.ctx.logged_in:
            self.host.run(self.vm.load_documents())
        self.check_payment()

    def content(self) -> ft.Control:
        t = self.t
        items: list[ft.Control] = []
        if self.ctx.accounts is not None:
            items.append(services_tile(self.host))
        if self.ctx.logged_in:
            items += [self.profile(), self.documents()]
            if self.host.payment_vm.offered and not self.ctx.config.kiosk:
                items.append(self.payment())
        else:
            items.append(
                section(
                    None,
                    LoginForm(
                        self.vm,
                        self.host.run,
                        on_register=(lambda: self.host.go("/account/register"))
                        if self.ctx.can(Capability.REGISTER)
                        and self.vm.chosen == self.vm.current_backend()[0]
                        else None,
                    ).build(),
                )
            )
        if not self.ctx.config.kiosk:
            items.append(self.settings())
        items.append(self.terms())
        if self.ctx.logged_in:
            items.append(
                ft.OutlinedButton(
                    t("account.logout"),
                    icon=ft.Icons.LOGOUT,
                    tooltip=t("account.logout"),
                    on_click=lambda e: self.host.run(self.vm.logout()),
                )
            )
        return self.titled_list(self.header(t("account.title")), items)

    def profile(self) -> ft.Control:
        t = self.t
        p = self.ctx.profile
        assert p is not None
        first = ft.TextField(label=t("account.first_name"), value=p.first_name or "", expand=True)
        last = ft.TextField(label=t("account.last_name"), value=p.last_name or "", expand=True)
        phone = ft.TextField(
            label=t("account.phone"), value=p.phone or "", keyboard_type=ft.KeyboardType.PHONE
        )
        name = " ".join(x for x in (p.first_name, p.last_name) if x) or p.email
        initials = "".join(w[0] for w in name.split()[:2]).upper()
        editable = self.ctx.can(Capability.PROFILE_EDIT)
        edit = ft.Column(
            [
                ft.Row([first, last], spacing=10),
                phone,
                ft.FilledTonalButton(
                    t("account.save_profile"),
                    icon=ft.Icons.SAVE,
                    tooltip=t("account.save_profile"),
                    on_click=lambda e: self.host.run(
                        self.vm.save_profile(first.value or "", last.value or "", phone.value or "")
                    ),
                ),
            ],
            spacing=10,
            visible=editable,
        )
        items = [
            ft.Row(
                [
                    ft.CircleAvatar(
                        content=ft.Text(initials),
                        radius=28,
                        bgcolor=ft.Colors.PRIMARY,
                        color=ft.Colors.ON_PRIMARY,
                    ),
                    ft.Column(
                        [
                            ft.Text(name, size=20, weight=ft.FontWeight.BOLD),
                            ft.Text(p.email, color=ft.Colors.ON_SURFACE_VARIANT),
                        ],
                        spacing=2,
                        tight=True,
                        expand=True,
                    ),
                ],
                spacing=14,
            ),
        ]
        if self.ctx.config.remember_login and not self.ctx.login_remembered:
            # no system keyring: say so rather than silently forgetting the login
            items.append(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.TERTIARY),
                        ft.Text(t("account.session_only"), size=12, expand=True),
                    ]
                )
            )
        if self.vm.error:
            items.append(error_banner(self.vm.error))
        items.append(edit)
        return section(t("account.profile"), *items)

    def payment(self) -> ft.Control:
        t = self.t
        vm = self.host.payment_vm

        async def add() -> None:
            url = await vm.add_method()
            if url:
                self.host.snack(t("pay.method_opened"))
                await open_page(url)

        rows: list[ft.Control] = []
        if vm.has_method is not None:
            rows.append(ft.Text(t("pay.has_method" if vm.has_method else "pay.no_method")))
        if vm.error and vm.state == "idle":
            rows.append(error_banner(vm.error))
        rows.append(
            ft.Row(
                [
                    ft.OutlinedButton(
                        t("pay.add_method"),
                        icon=ft.Icons.CREDIT_CARD,
                        on_click=lambda e: self.host.run(add()),
                        tooltip=t("pay.add_method"),
                    )
                ],
                alignment=ft.MainAxisAlignment.END,
            )
        )
        return section(t("pay.title"), *rows)

    def documents(self) -> ft.Control:
        t = self.t
        if not self.ctx.can(Capability.DOCUMENTS):
            return ft.Container()
        lang = self.ctx.settings.language
        rows: list[ft.Control] = []
        choices = self.vm.by_account.choices(self.vm.documents)
        if choices:

            def pick(account_id: str | None) -> None:
                self.vm.by_account.select(account_id)
                self.redraw()

            rows.append(
                account_filter(
                    t("backend.filter"), t("backend.all"), choices, self.vm.by_account.selected,
                    pick,
                )
            )
        for d in self.vm.by_account.apply(self.vm.documents):
            title = fmt.document_title(t, d.type, d.title)
            rows.append(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.DESCRIPTION_OUTLINED, color=ft.Colors.PRIMARY),
                        ft.Column(
                            [
                                ft.Text(title, weight=ft.FontWeight.W_600),
                                ft.Text(
                                    " · ".join(
                                        x
                                        for x in (
                                            fmt.document_kind(t, d.type),
                                            fmt.date(d.date, lang),
                                        )
                                        if x
                                    ),
                                    size=12,
                                    color=ft.Colors.ON_SURFACE_VARIANT,
                                ),
                                *account_badges(self.ctx, d.account_id),
                            ],
                            spacing=2,
                            expand=True,
                            tight=True,
                        ),
                        icon_button(
                            ft.Icons.DOWNLOAD,
                            t("account.download", title=title),
                            disabled=not d.download_url,
                            on_click=lambda e, doc=d: self.host.run(self.open_document(doc)),
                        ),
                    ],
                    spacing=12,
                )
            )
        if not rows:
            rows.append(ft.Text(t("account.no_documents"), color=ft.Colors.ON_SURFACE_VARIANT))
        return section(t("account.documents"), *rows)

    async def open_document(self, document: Document) -> None:
        url = await self.vm.download_url(document)
        if url:
            await ft.UrlLauncher().launch_url(url)
        else:
            self.host.snack(self.t("account.document_gone"))

    def terms(self) -> ft.Control:
        t = self.t
        page = self.host.page

        def show(_):
            page.show_dialog(
                ft.AlertDialog(
                    title=ft.Text(t("account.terms")),
                    content=ft.Container(ft.Text(t("account.terms_text")), width=480),
                    actions=[
                        ft.TextButton(
                            t("common.close"),
                            on_click=lambda e: page.pop_dialog(),
                            tooltip=t("common.close"),
                        )
                    ],
                )
            )

        return ft.TextButton(
            t("account.terms"), icon=ft.Icons.GAVEL, on_click=show, tooltip=t("account.terms")
        )

    def settings(self) -> ft.Control:
        t = self.t
        ctx = self.ctx
        s = ctx.settings

        def seg(options: list[tuple[str, str]], value: str, on_change, label: str):
            return ft.Column(
                [
                    ft.Text(label, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
                    ft.SegmentedButton(
                        segments=[
                            ft.Segment(value=v, label=ft.Text(lbl), tooltip=lbl)
                            for v, lbl in options
                        ],
                        selected=[value],
                        on_change=lambda e: on_change(e.control.selected[0]),
                        tooltip=label,
                    ),
                ],
                spacing=6,
            )

        provider = ft.Dropdown(
            label=t("settings.provider"),
            value=s.provider,
            options=[ft.DropdownOption(key=n, text=t(f"provider.{n}")) for n in known_providers()],
            width=300,
        )
        # Full width under the dropdown: an expanding field inside a wrapping Row has no
        # width to expand into, and Flutter draws an error box instead of it.
        url = ft.TextField(label=t("settings.url"), value=s.url or ctx.config.base_url or "")
        error = ft.Text(
            self.vm.error or "",
            color=ft.Colors.ERROR,
            visible=bool(self.vm.error) and not ctx.logged_in,
        )

        async def apply(_):
            ok = await self.vm.apply_backend(provider.value or s.provider, url.value or "")
            if ok:
                self.host.snack(t("settings.applied"))
            else:
                error.value, error.visible = self.vm.error or "", True
                safe_update(error)

        return section(
            t("settings.title"),
            seg(
                [(code, t(f"language.{code}")) for code in LANGUAGES],
                s.language,
                ctx.set_language,
                t("settings.language"),
            ),
            seg(
                [
                    ("light", t("settings.light")),
                    ("dark", t("settings.dark")),
                    ("system", t("settings.system")),
                ],
                s.theme,
                ctx.set_theme,
                t("settings.theme"),
            ),
            seg(
                [("km", t("settings.km")), ("mi", t("settings.mi"))],
                s.units,
                ctx.set_units,
                t("settings.units"),
            ),
            *([typical_session_fields(self.host)] if ctx.accounts is not None else []),
            # Signed out, the sign-in form is where the back end is chosen; over several
            # accounts, Charging services is
            *(
                [
                    ft.Divider(),
                    ft.Text(t("settings.backend"), weight=ft.FontWeight.W_600),
                    provider,
                    url,
                    error,
                    ft.FilledTonalButton(
                        t("settings.apply"),
                        icon=ft.Icons.SYNC,
                        on_click=apply,
                        tooltip=t("settings.apply"),
                    ),
                ]
                if ctx.logged_in and not ctx.merged
                else []
            ),
        )


class RegisterScreen(Screen):
    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.vm = host.account_vm
        self._unsub = self.vm.subscribe(self.redraw)

    def close(self) -> None:
        self._unsub()

    def view(self, route: str) -> ft.View:
        self.vm.field_errors, self.vm.error = {}, None
        self.fields = {
            "email": ft.TextField(
                label=self.t("account.email"), keyboard_type=ft.KeyboardType.EMAIL
            ),
            "password": ft.TextField(
                label=self.t("account.password"), password=True, can_reveal_password=True
            ),
            "first": ft.TextField(label=self.t("account.first_name")),
            "last": ft.TextField(label=self.t("account.last_name")),
        }
        self.accept = ft.Checkbox(label=self.t("account.accept_terms"))
        self.root = ft.Container(content=self.content(), expand=True)
        return ft.View(
            route=route,
            appbar=ft.AppBar(title=ft.Text(self.t("account.register"))),
            controls=[self.root],
            padding=0,
        )

    def content(self) -> ft.Control:
        t = self.t
        f = self.fields
        for key in ("email", "password"):
            f[key].error = self.vm.field_errors.get(key)
        self.accept.error = bool(self.vm.field_errors.get("terms"))
        items = [
            f["email"],
            f["password"],
            ft.Row([f["first"], f["last"]], spacing=10),
            self.accept,
        ]
        if self.vm.field_errors.get("terms"):
            items.append(ft.Text(self.vm.field_errors["terms"], color=ft.Colors.ERROR))
        if self.vm.error:
            items.append(error_banner(self.vm.error))

        async def register(_):
            ok = await self.vm.register(
                f["email"].value or "",
                f["password"].value or "",
                f["first"].value or "",
                f["last"].value or "",
                bool(self.accept.value),
            )
            if ok:
                self.host.go("/account")

        items.append(
            ft.FilledButton(
                t("account.register"),
                icon=ft.Icons.PERSON_ADD,
                tooltip=t("account.register"),
                height=48,
                on_click=lambda e: self.host.run(register(e)),
            )
        )
        return ft.ListView(
            controls=[ft.Container(ft.Column(items, spacing=14), padding=20, width=520)],
            expand=True,
        )
