"""Account: log in, register, log out, profile, documents, settings."""

from __future__ import annotations

import re

from app.context import AppContext
from app.viewmodels.base import ViewModel, error_message
from services.models import Credentials, Document, Profile, Registration
from services.provider import Capability, ProviderError

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8


class AccountViewModel(ViewModel):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.documents: list[Document] = []
        self.message: str | None = None
        self.field_errors: dict[str, str] = {}
        # What the driver typed as email: a failed login redraws the form with it
        self.email_draft = ""

    @property
    def show_demo_hint(self) -> bool:
        return self.ctx.config.demo and not self.ctx.config.kiosk

    def _check(self, email: str, password: str) -> bool:
        t = self.ctx.t
        self.field_errors = {}
        if not EMAIL_RE.match(email.strip()):
            self.field_errors["email"] = t("account.email_invalid")
        if not password:
            self.field_errors["password"] = t("account.password_required")
        return not self.field_errors

    async def login(self, email: str, password: str) -> bool:
        self.email_draft = email
        if not self._check(email, password):
            self.notify()
            return False
        ok = await self._run(self._login(email.strip(), password))
        if ok:
            self.email_draft = ""
        return ok

    async def _login(self, email: str, password: str) -> None:
        profile = await self.ctx.provider.login(Credentials(username=email, password=password))
        self.ctx.signed_in(profile)
        self.message = self.ctx.t("account.welcome", name=profile.first_name or profile.email)
        # Logging in happens on the Account screen itself, whose on_show ran while logged out:
        # fetch the documents now so the list is there without leaving and coming back.
        if self.ctx.can(Capability.DOCUMENTS):
            try:
                self.documents = list((await self.ctx.provider.documents(limit=50)).items)
            except ProviderError as exc:  # the login itself worked; say why the list is empty
                self.error = error_message(self.ctx.t, exc)

    async def register(
        self, email: str, password: str, first: str, last: str, accept_terms: bool
    ) -> bool:
        ok = self._check(email, password)
        t = self.ctx.t
        if password and len(password) < MIN_PASSWORD:
            self.field_errors["password"] = t("account.password_short", n=MIN_PASSWORD)
            ok = False
        if not accept_terms:
            self.field_errors["terms"] = t("account.terms_required")
            ok = False
        if not ok:
            self.notify()
            return False
        reg = Registration(
            email=email.strip(),
            password=password,
            first_name=first.strip() or None,
            last_name=last.strip() or None,
            language=self.ctx.settings.language,
            accept_terms=True,
        )

        async def go() -> None:
            await self.ctx.provider.register(reg)
            await self._login(reg.email, password)

        return await self._run(go())

    async def logout(self) -> None:
        await self._run(self.ctx.sign_out())
        self.documents = []

    async def save_profile(self, first: str, last: str, phone: str) -> bool:
        if not self.ctx.profile:
            return False
        profile = self.ctx.profile.model_copy(
            update={
                "first_name": first.strip() or None,
                "last_name": last.strip() or None,
                "phone": phone.strip() or None,
            }
        )

        async def go() -> None:
            updated: Profile = await self.ctx.provider.update_profile(profile)
            self.ctx.profile = updated
            self.message = self.ctx.t("account.profile_saved")

        return await self._run(go())

    async def load_documents(self) -> None:
        if not (self.ctx.logged_in and self.ctx.can(Capability.DOCUMENTS)):
            self.documents = []
            return
        try:
            self.documents = list((await self.ctx.provider.documents(limit=50)).items)
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
        self.notify()

    async def apply_backend(self, provider: str, url: str) -> bool:
        url = url.strip()
        if not url.startswith(("http://", "https://")):
            self.error = self.ctx.t("settings.url_invalid")
            self.notify()
            return False
        return await self._run(self.ctx.switch_provider(provider, url))

    async def _run(self, coro) -> bool:
        self.busy, self.error, self.message = True, None, None
        self.notify()
        try:
            await coro
            return True
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
            return False
        finally:
            self.busy = False
            self.notify()
