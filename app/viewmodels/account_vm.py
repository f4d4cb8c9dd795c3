"""Account: log in, register, log out, profile, documents, settings."""

from __future__ import annotations

from app.context import AppContext
from app.viewmodels import signin
from app.viewmodels.base import ViewModel, error_message
from app.viewmodels.by_account import AccountFilter
from services.models import Credentials, Document, Profile, Registration
from services.provider import Capability, ProviderError

EMAIL_RE = signin.EMAIL_RE
MIN_PASSWORD = 8


class AccountViewModel(ViewModel):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.documents: list[Document] = []
        self.by_account = AccountFilter(ctx)  # over several accounts: one account's documents
        self.message: str | None = None
        self.field_errors: dict[str, str] = {}
        # What the driver typed as email: a failed login redraws the form with it
        self.email_draft = ""
        # The back end the sign-in form is for; it is opened when the driver signs in
        self.chosen, self.url_draft = self.current_backend()
        # What was typed into the form's other visible fields (never a secret)
        self.drafts: dict[str, str] = {}

    def current_backend(self) -> tuple[str, str]:
        s, config = self.ctx.settings, self.ctx.config
        if s.url and not config.kiosk:
            return s.provider, s.url
        return config.provider_name, config.base_url or ""

    @property
    def show_demo_hint(self) -> bool:
        """The documented demo logins, only where the embedded core's demo data is what
        answers, and never on a kiosk, where anyone passing by could use them."""
        return (
            self.ctx.config.demo
            and not self.ctx.config.kiosk
            and signin.demo_hint_values(self.chosen) is not None
        )

    @property
    def demo_values(self) -> dict[str, str]:
        return dict(signin.demo_hint_values(self.chosen) or {}) if self.show_demo_hint else {}

    @property
    def fields(self) -> tuple[signin.Field, ...]:
        return signin.fields_for(self.chosen)

    def default_url(self, provider: str) -> str:
        name, url = self.current_backend()
        if provider == name and url:
            return url
        core = self.ctx.config.base_url
        if self.ctx.config.demo and core:
            return signin.core_url_for(provider, core)
        return ""

    def choose(self, provider: str) -> None:
        """The driver picked another back end in the sign-in form: ask for what it needs."""
        if provider == self.chosen:
            return
        self.chosen, self.url_draft = provider, self.default_url(provider)
        self.field_errors, self.error = {}, None
        self.drafts = {}
        self.notify()

    async def sign_in(self, values: dict[str, str], url: str) -> bool:
        """Sign in to the chosen back end with what its sign-in kind needs; the back end
        is (re)opened first when it is another one, at another URL, or needs the app's
        OAuth client."""
        t = self.ctx.t
        url = url.strip()
        self.url_draft = url
        self.drafts = {f.key: values.get(f.key, "") for f in self.fields if not f.secret}
        self.email_draft = self.drafts.get("email", "")
        found = signin.problems(self.chosen, values, url)
        self.field_errors = {k: t(v) for k, v in found.items()}
        if found:
            self.notify()
            return False
        credentials, options = signin.split(self.chosen, values)
        if self.chosen in ("gpjoule", "ampeco") and self.ctx.config.persist_settings:
            # A desktop keeps the paged-through charge point list between runs
            options["catalogue_cache"] = True
        reopen = bool(options) or (self.chosen, url) != self.current_backend()
        name = self.chosen

        async def go() -> None:
            if reopen:
                await self.ctx.switch_provider(name, url, **options)
            await self._login_with(credentials)

        ok = await self._run(go())
        if ok:
            self.drafts, self.email_draft = {}, ""
        return ok

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
        await self._login_with(Credentials(username=email, password=password))

    async def _login_with(self, credentials: Credentials) -> None:
        profile = await self.ctx.provider.login(credentials)
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

    async def download_url(self, document: Document) -> str | None:
        """The document's link as the back end gives it now: links are signed and expire
        (minutes, not hours), and the list may have been loaded long before the tap."""
        await self.load_documents()
        for d in self.documents:
            if d.id == document.id and d.account_id == document.account_id:
                return d.download_url
        return None

    async def apply_backend(self, provider: str, url: str) -> bool:
        url = url.strip()
        if not url.startswith(("http://", "https://")):
            self.error = self.ctx.t("settings.url_invalid")
            self.notify()
            return False
        if signin.CLIENT_OPTIONS[0] in {f.key for f in signin.fields_for(provider)}:
            # Opening it needs the app's OAuth client: the sign-in form asks for it
            await self._run(self.ctx.sign_out())
            self.chosen, self.url_draft, self.drafts = provider, url, {}
            self.notify()
            return True
        ok = await self._run(self.ctx.switch_provider(provider, url))
        if ok:
            self.chosen, self.url_draft, self.drafts = provider, url, {}
        return ok

    async def _run(self, coro) -> bool:
        self.message = None
        return await self.attempt(self.ctx.t, coro)
