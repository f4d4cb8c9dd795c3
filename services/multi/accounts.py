"""The accounts a driver is signed in to, several back ends at once.

The list (id, back end, base URL, name, username) is kept in ``accounts.json`` beside the
app's settings; everything secret (the token that resumes a login, an API key or operator
token, an OAuth client's secret, and the password only for a back end that issues nothing
to resume with) goes to the OS keyring through :mod:`services.credentials`, one entry per
account, never to a file. Where no safe keyring exists the secrets last for the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import platformdirs
from pydantic import BaseModel, Field

from services.credentials import SavedLogin, SecretStore, open_store
from services.models import Account, AccountState, AccountStatus, Credentials, TypicalSession
from services.provider import (
    BackendUnavailable,
    ChargingProvider,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ProviderError,
)
from services.registry import open_provider, provider_info
from services.settings import get_settings

from .demo import DEMO_LOGINS, core_url_for
from .merged import MergedProvider

log = logging.getLogger("voltra.accounts")

FILE_NAME = "accounts.json"
MAX_NAME = 60
RESUME_WITHIN_S = 20.0  # one account's sign-in at start-up at most
Opener = Callable[..., Awaitable[ChargingProvider]]


def default_path() -> Path:
    env = get_settings()
    base = env.config_dir or env.app_storage_dir or platformdirs.user_config_dir("voltra")
    return Path(base) / FILE_NAME


class AccountSecrets(BaseModel):
    """One account's keyring entry; never in repr()."""

    api_key: str | None = Field(default=None, repr=False)
    password: str | None = Field(default=None, repr=False)
    refresh_token: str | None = Field(default=None, repr=False)
    options: dict[str, str] = Field(default_factory=dict, repr=False)  # OAuth client


class _AccountVault:
    """What a provider's token sink saves into: the account's keyring entry."""

    def __init__(self, book: AccountBook, account_id: str) -> None:
        self.book = book
        self.account_id = account_id

    @property
    def remembered(self) -> bool:
        return self.book.store.remembered

    def save(self, login: SavedLogin) -> None:
        secrets = self.book.secrets(self.account_id)
        secrets.refresh_token = login.refresh_token
        self.book.keep_secrets(self.account_id, secrets)

    def forget(self, provider: str, base_url: str) -> None:
        secrets = self.book.secrets(self.account_id)
        if secrets.refresh_token is not None:
            secrets.refresh_token = None
            self.book.keep_secrets(self.account_id, secrets)


def _clean_name(name: str | None, fallback: str) -> str:
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME:
        raise InvalidInput(f"A name has at most {MAX_NAME} characters.", field="name")
    return name or fallback


class AccountBook:
    def __init__(
        self,
        store: SecretStore | None = None,
        path: Path | str | None = None,
        *,
        opener: Opener = open_provider,
        provider_options: dict[str, dict] | None = None,
    ) -> None:
        """``store``: where secrets go (default: the OS keyring, else session memory).
        ``provider_options``: extra factory options per back end name (a poll interval,
        an offline cache), never secrets."""
        self.store = store if store is not None else open_store()
        self.path = Path(path) if path is not None else default_path()
        self._opener = opener
        self._provider_options = provider_options or {}
        self._accounts: list[Account] = self._load()
        self._open: dict[str, ChargingProvider] = {}
        self._states: dict[str, AccountState] = {}
        self._reserved: set[str] = set()

    # ---------------------------------------------------------------- the list

    def _load(self) -> list[Account]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return [Account.model_validate(a) for a in raw.get("accounts", [])]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("%s is unreadable (%s): starting without accounts", self.path,
                        type(exc).__name__)
            return []

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        body = {"accounts": [a.model_dump() for a in self._accounts]}
        tmp.write_text(json.dumps(body, indent=2), encoding="utf-8")
        tmp.replace(self.path)  # a crash never leaves half a list

    def accounts(self) -> list[Account]:
        return list(self._accounts)

    def get(self, account_id: str) -> Account:
        for a in self._accounts:
            if a.id == account_id:
                return a
        raise NotFound("This account is not signed in here.", detail=account_id)

    def providers(self) -> dict[str, ChargingProvider]:
        """The open provider of each account opened in this run (``add``, ``resume``)."""
        return {a.id: self._open[a.id] for a in self._accounts if a.id in self._open}

    def states(self) -> dict[str, AccountState]:
        return {a.id: self._states.get(a.id) or AccountState(
            account_id=a.id, state=AccountStatus.SIGNED_OUT) for a in self._accounts}

    @property
    def remembered(self) -> bool:
        """Whether the accounts' logins survive a restart (a safe keyring exists)."""
        return self.store.remembered

    # ---------------------------------------------------------------- secrets

    @staticmethod
    def _key(account_id: str) -> str:
        return f"account:{account_id}"

    def secrets(self, account_id: str) -> AccountSecrets:
        raw = self.store.get(self._key(account_id))
        if not raw:
            return AccountSecrets()
        try:
            return AccountSecrets.model_validate_json(raw)
        except ValueError:
            return AccountSecrets()

    def keep_secrets(self, account_id: str, secrets: AccountSecrets) -> None:
        self.store.set(self._key(account_id), secrets.model_dump_json())

    # ---------------------------------------------------------------- sign in and out

    def _new_id(self, provider: str) -> str:
        used = {a.id for a in self._accounts} | self._reserved
        n = 1
        while f"{provider}-{n}" in used:
            n += 1
        return f"{provider}-{n}"

    async def _open_provider(self, account: Account, options: dict[str, str],
                             credentials: Credentials | None) -> ChargingProvider:
        return await self._opener(
            account.provider,
            account.base_url,
            credentials,
            vault=_AccountVault(self, account.id),
            **{**self._provider_options.get(account.provider, {}), **options},
        )

    async def add(
        self,
        provider: str,
        base_url: str,
        credentials: Credentials,
        name: str | None = None,
        *,
        options: dict[str, str] | None = None,
    ) -> Account:
        """Sign in to ``provider`` at ``base_url`` and keep the account. ``options``: the
        factory options a sign-in needs besides the driver's credentials (an OAuth client's
        id and secret), kept with the secrets. The provider's errors pass through (wrong
        password, back end down); nothing is kept then."""
        info = provider_info(provider)
        base_url = base_url.strip().rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise InvalidInput("The address must start with http:// or https://.",
                               field="base_url")
        account = Account(
            id=self._new_id(provider),
            provider=provider,
            base_url=base_url,
            name=_clean_name(name, info.title),
            username=(credentials.username or "").strip() or None,
        )
        self._reserved.add(account.id)  # several sign-ins may run at once
        try:
            account = await self._sign_in(account, credentials, dict(options or {}))
        finally:
            self._reserved.discard(account.id)
        self._accounts.append(account)
        self._save()
        return account

    async def _sign_in(self, account: Account, credentials: Credentials,
                       options: dict[str, str]) -> Account:
        self.keep_secrets(account.id, AccountSecrets(api_key=credentials.api_key,
                                                     options=options))
        try:
            opened = await self._open_provider(account, options, credentials)
        except BaseException:
            self.store.delete(self._key(account.id))
            raise
        secrets = self.secrets(account.id)
        if secrets.refresh_token is None and credentials.password:
            # this back end gave nothing to resume with: the password is what resumes
            secrets.password = credentials.password
            self.keep_secrets(account.id, secrets)
        username = getattr(opened, "username", None) or account.username
        old = self._open.pop(account.id, None)
        if old is not None:
            with contextlib.suppress(Exception):
                await old.close()
        self._open[account.id] = opened
        self._states[account.id] = AccountState(account_id=account.id,
                                                state=AccountStatus.READY)
        return account.model_copy(update={"username": username})

    async def remove(self, account_id: str) -> None:
        """Sign out of this account alone and forget it (its keyring entry too)."""
        account = self.get(account_id)
        opened = self._open.pop(account_id, None)
        if opened is not None:
            with contextlib.suppress(ProviderError):
                if opened.is_logged_in:
                    await opened.logout()
            with contextlib.suppress(Exception):
                await opened.close()
        self.store.delete(self._key(account_id))
        self._accounts = [a for a in self._accounts if a.id != account.id]
        self._states.pop(account_id, None)
        self._save()

    def rename(self, account_id: str, name: str) -> Account:
        account = self.get(account_id)
        if not (name or "").strip():
            raise InvalidInput("Give the account a name.", field="name")
        renamed = account.model_copy(update={"name": _clean_name(name, account.name)})
        self._accounts = [renamed if a.id == account_id else a for a in self._accounts]
        self._save()
        return renamed

    async def _resume_one(self, account: Account) -> ChargingProvider | None:
        secrets = self.secrets(account.id)
        credentials = None
        if secrets.refresh_token or secrets.password or secrets.api_key:
            credentials = Credentials(
                username=account.username,
                api_key=secrets.api_key,
                refresh_token=secrets.refresh_token,
                password=None if secrets.refresh_token else secrets.password,
            )
        try:
            opened = await asyncio.wait_for(
                self._open_provider(account, secrets.options, credentials), RESUME_WITHIN_S)
        except TimeoutError:
            self._states[account.id] = AccountState(
                account_id=account.id, state=AccountStatus.FAILED,
                detail="This charging service did not answer in time.")
            return await self._open_quietly(account, secrets)
        except NotAuthenticated as exc:
            # a token the back end no longer takes is forgotten: the driver signs in again
            if secrets.refresh_token:
                secrets.refresh_token = None
                self.keep_secrets(account.id, secrets)
            self._states[account.id] = AccountState(
                account_id=account.id, state=AccountStatus.SIGNED_OUT, detail=exc.message)
            return await self._open_quietly(account, secrets)
        except ProviderError as exc:
            # down or unreachable: the login is kept for the next try
            self._states[account.id] = AccountState(
                account_id=account.id, state=AccountStatus.FAILED, detail=exc.message)
            return await self._open_quietly(account, secrets)
        status = AccountStatus.READY if opened.is_logged_in else AccountStatus.SIGNED_OUT
        self._states[account.id] = AccountState(account_id=account.id, state=status)
        return opened

    async def _open_quietly(self, account: Account, secrets: AccountSecrets):
        with contextlib.suppress(ProviderError):
            return await self._open_provider(account, secrets.options, None)
        return None

    async def resume(self) -> dict[str, ChargingProvider]:
        """Every kept account opened and signed in again from its keyring entry, all at
        once; an account whose back end is down or whose login ended is opened signed
        out (see :meth:`states`), never an error."""
        todo = [a for a in self._accounts if a.id not in self._open]
        opened = await asyncio.gather(*(self._resume_one(a) for a in todo))
        for account, provider in zip(todo, opened, strict=True):
            if provider is not None:
                self._open[account.id] = provider
        return self.providers()

    async def demo_accounts(self, core_url: str) -> list[Account]:
        """Signed in to every back end this version implements with the embedded core's
        demo logins, all at once; accounts already kept for a demo login are reused. A
        sign-in that fails is logged and left out."""
        wanted = []
        for name, demo in DEMO_LOGINS.items():
            try:
                provider_info(name)
            except ProviderError:
                continue  # not implemented in this version
            url = core_url_for(name, core_url)
            have = next((a for a in self._accounts if a.provider == name
                         and a.base_url == url and a.username == demo.credentials.username),
                        None)
            wanted.append((name, url, demo, have))

        async def one(name, url, demo, have) -> Account | None:
            if have is not None and have.id in self._open and self._open[have.id].is_logged_in:
                return have
            try:
                if have is not None:
                    return await self._sign_in(have, demo.credentials, demo.options)
                return await self.add(name, url, demo.credentials, demo.name,
                                      options=demo.options)
            except ProviderError as exc:
                log.warning("demo sign-in to %s failed: %s", name, exc.code)
                return None

        got = [a for a in await asyncio.gather(*(one(*w) for w in wanted)) if a is not None]
        # sign-ins end in any order; the list keeps the registry's
        ids = [a.id for a in got]
        self._accounts = [a for a in self._accounts if a.id not in ids] + [
            next(a for a in self._accounts if a.id == i) for i in ids]
        self._save()
        return got

    def merged(self, *, typical: TypicalSession | None = None, **kw) -> MergedProvider:
        """One provider over the accounts opened in this run, in the list's order."""
        members = [(a, self._open[a.id]) for a in self._accounts if a.id in self._open]
        if not members:
            raise BackendUnavailable("Sign in to a charging service first.",
                                     detail="no accounts")
        merged = MergedProvider(members, typical=typical, **kw)
        for state in self.states().values():
            if state.account_id in merged.providers:
                merged.set_state(state)
        return merged

    async def close(self) -> None:
        for p in self._open.values():
            with contextlib.suppress(Exception):
                await p.close()
        self._open.clear()
