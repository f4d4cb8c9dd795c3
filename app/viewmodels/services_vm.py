"""Account -> Charging services: every back end the registry knows, each with the sign-in its
API needs, several signed in at once, each signed out alone."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.context import AppContext, maybe_await
from app.viewmodels import offers, signin
from app.viewmodels.base import ViewModel, error_message
from services.provider import ProviderError

log = logging.getLogger(__name__)

# What services.models.TypicalSession accepts
MAX_TYPICAL_KWH = 1000
MAX_TYPICAL_MINUTES = 24 * 60


@dataclass(frozen=True)
class ServiceRow:
    """One back end in the list, with the accounts signed in on it."""

    provider: str  # registry name
    fields: tuple[signin.Field, ...]
    accounts: tuple  # services.models.Account, in the book's order


class ChargingServicesViewModel(ViewModel):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.message: str | None = None
        # The back end whose sign-in form is open (one at a time keeps the list short)
        self.open_form: str | None = None
        self.field_errors: dict[str, str] = {}
        # What was typed into the open form's visible fields (never a secret)
        self.drafts: dict[str, str] = {}
        self.url_draft = ""
        self.name_draft = ""

    @property
    def available(self) -> bool:
        return self.ctx.accounts is not None

    @property
    def offers_demo(self) -> bool:
        """"Use demo accounts" only where the embedded core's demo data answers."""
        return self.available and self.ctx.config.demo and bool(self.ctx.config.base_url)

    def rows(self) -> list[ServiceRow]:
        from services import registry

        accounts = self.ctx.accounts.accounts() if self.available else []
        return [
            ServiceRow(
                name,
                signin.fields_for(name),
                tuple(a for a in accounts if a.provider == name),
            )
            for name in registry.implemented_providers()
        ]

    def states(self) -> dict:
        """{account_id: AccountState} of the merged provider (loading, ready, failed)."""
        states = getattr(self.ctx.provider, "states", None)
        return dict(states()) if callable(states) else {}

    def default_url(self, provider: str) -> str:
        core = self.ctx.config.base_url
        return signin.core_url_for(provider, core) if self.ctx.config.demo and core else ""

    def default_name(self, provider: str) -> str:
        return self.ctx.t(f"provider.{provider}")

    def demo_values(self, provider: str) -> dict[str, str]:
        if not self.offers_demo:
            return {}
        return dict(signin.demo_hint_values(provider) or {})

    def open(self, provider: str | None) -> None:
        """Open the sign-in form of ``provider`` (None: close it)."""
        self.open_form = provider
        self.field_errors, self.error, self.drafts = {}, None, {}
        if provider is not None:
            self.url_draft = self.default_url(provider)
            self.name_draft = self.default_name(provider)
        self.notify()

    async def sign_in(self, provider: str, values: dict[str, str], url: str, name: str) -> bool:
        """Add an account on ``provider``: checked here first (each field with its reason),
        then signed in by the book; the app then runs over every account signed in."""
        t = self.ctx.t
        url, name = url.strip(), name.strip()
        self.url_draft, self.name_draft = url, name
        self.drafts = {f.key: values.get(f.key, "") for f in signin.fields_for(provider)
                       if not f.secret}
        found = signin.problems(provider, values, url)
        if not name:
            found["name"] = "services.name_required"
        self.field_errors = {k: t(v) for k, v in found.items()}
        if found:
            self.notify()
            return False
        credentials, options = signin.split(provider, values)

        async def go() -> None:
            account = await maybe_await(
                self.ctx.accounts.add(provider, url, credentials, name, options=options)
            )
            self.message = t("services.signed_in", name=account.name)

        ok = await self._run(go())
        if ok:
            self.open_form, self.drafts = None, {}
        return ok

    async def use_demo(self) -> bool:
        """Sign in to every back end with the embedded core's demo accounts."""
        core = self.ctx.config.base_url
        if not (self.offers_demo and core):
            return False

        async def go() -> None:
            added = await maybe_await(self.ctx.accounts.demo_accounts(core))
            self.message = self.ctx.t("services.demo_signed_in", n=len(list(added or [])))

        return await self._run(go())

    async def sign_out(self, account_id: str) -> bool:
        name = self.ctx.account_name(account_id) or account_id

        async def go() -> None:
            await maybe_await(self.ctx.accounts.remove(account_id))
            self.message = self.ctx.t("services.signed_out", name=name)

        return await self._run(go())

    async def rename(self, account_id: str, name: str) -> bool:
        name = name.strip()
        if not name:
            self.error = self.ctx.t("services.name_required")
            self.notify()
            return False
        try:
            await maybe_await(self.ctx.accounts.rename(account_id, name))
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
            self.notify()
            return False
        self.error = None
        self.ctx.emit("accounts")
        self.notify()
        return True

    # -- the typical session every account's price is compared on
    def set_typical(self, kwh_text: str, minutes_text: str) -> dict[str, str]:
        """Keep the typical session; {field: translated reason} for what does not fit."""
        t = self.ctx.t
        errors: dict[str, str] = {}
        try:
            kwh = float(kwh_text.strip().replace(",", "."))
            if not 0 < kwh <= MAX_TYPICAL_KWH:
                raise ValueError
        except ValueError:
            errors["typical_kwh"] = t("typical.kwh_invalid", max=MAX_TYPICAL_KWH)
        try:
            minutes = int(minutes_text.strip())
            if not 0 < minutes <= MAX_TYPICAL_MINUTES:
                raise ValueError
        except ValueError:
            errors["typical_minutes"] = t("typical.minutes_invalid", max=MAX_TYPICAL_MINUTES)
        if errors:
            return errors
        self.ctx.settings.typical_kwh, self.ctx.settings.typical_minutes = kwh, minutes
        self.ctx.save()
        if hasattr(self.ctx.provider, "typical"):  # what its own offers are priced on
            self.ctx.provider.typical = offers.typical_session(self.ctx.settings)
        self.ctx.emit("typical")
        return {}

    async def _run(self, coro) -> bool:
        self.busy, self.error, self.message = True, None, None
        self.notify()
        try:
            await coro
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
            return False
        else:
            await self.ctx.accounts_changed()
            return True
        finally:
            self.busy = False
            self.notify()
