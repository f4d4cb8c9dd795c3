"""Partner access for the partner API facades (GP JOULE, Wirelane, AMPECO, OIOI).

Every function takes the store connection first, like the store and domain functions, so a
facade calls it as ``await core.db(partners.authenticate, "gpjoule", key)``.

- ``authenticate(conn, api, secret)``: an API key/token -> ``Principal`` or None. The secret
  is hashed (HMAC-SHA256 under the database's pepper) and looked up by its hash: one index
  probe, microseconds. What is cached is only what cannot go stale: the pepper, per
  connection. Principals are not cached, so a revocation (also by the CLI in another
  process) takes effect on the next request. The last-used time is written at most once a
  minute per credential and process.
- ``verify_client(conn, client_id, secret)`` / ``client_principal(conn, client_id)``:
  Wirelane OAuth clients (token endpoint / each Bearer JWT, so a revoked client's tokens die).
- ``visible_user_ids`` / ``can_see_user`` / ``can_see_card`` / ``can_see_session`` /
  ``is_admin``: what a principal may see (its members, their cards and sessions).
- ``create_credential`` / ``list_credentials`` / ``revoke_credential``: the CLI's operations.
- ``jwt_signing_key(conn)``: the database's own JWT key (see ``partner_tokens``).

Secrets are never logged; only a credential's public id or prefix is.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict

from services.core.domain.errors import BadInput, NotFound
from services.core.domain.partners import (
    API_KEY,
    APIS,
    CREDENTIAL_KIND,
    DEFAULT_SCOPES,
    OAUTH_CLIENT,
    Credential,
    NewCredential,
    Partner,
    Principal,
    check_partner_fields,
    hash_secret,
    new_client_id,
    new_pepper,
    new_public_id,
    new_secret,
    plausible_secret,
    same_hash,
    secret_prefix,
)
from services.core.store import partners as store
from services.core.store.db import transaction, utcnow

log = logging.getLogger(__name__)

TOUCH_SECONDS = 60.0
_TOUCHED_SIZE = 4096
_PEPPER = "credential_pepper"
_JWT_KEY = "jwt_signing_key"


class _PepperCache:
    """The pepper of each recently used connection. Entries hold the connection itself, so
    its id cannot be reused by another connection (another database) while cached."""

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[int, tuple[sqlite3.Connection, bytes]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, conn: sqlite3.Connection) -> bytes | None:
        item = self._items.get(id(conn))
        return item[1] if item is not None and item[0] is conn else None

    def put(self, conn: sqlite3.Connection, value: bytes) -> None:
        with self._lock:
            self._items[id(conn)] = (conn, value)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_peppers = _PepperCache()
# Hash of a credential -> when this process last recorded its use (time.monotonic). Keys
# are pepper-derived, so databases served by one process never share an entry.
_touched: OrderedDict[str, float] = OrderedDict()
_touched_lock = threading.Lock()
_clock = time.monotonic  # tests move it forward


def pepper(conn: sqlite3.Connection) -> bytes:
    """The database's HMAC key for credential hashes (created on first use, then fixed)."""
    value = _peppers.get(conn)
    if value is None:
        value = bytes.fromhex(store.key(conn, _PEPPER, new_pepper))
        _peppers.put(conn, value)
    return value


def jwt_signing_key(conn: sqlite3.Connection) -> bytes:
    """The key that signs and verifies Wirelane JWTs: 32 random bytes generated on first use
    and stored in this database (``partner_keys``): it is the database's own key, so tokens
    survive restarts of the same database and mean nothing to any other database."""
    return bytes.fromhex(store.key(conn, _JWT_KEY, lambda: secrets.token_hex(32)))


# ------------------------------------------------------------------ authentication


def authenticate(conn: sqlite3.Connection, api: str, presented_secret: str | None
                 ) -> Principal | None:  # fmt: skip
    """The principal of an API key/token presented to ``api``; None when unknown, revoked,
    of another API, or of an API that authenticates with OAuth clients (Wirelane)."""
    if CREDENTIAL_KIND.get(api) != API_KEY or not plausible_secret(presented_secret):
        return None
    assert presented_secret is not None
    digest = hash_secret(pepper(conn), presented_secret)
    row = store.live_by_hash(conn, api, digest)
    if row is None or not same_hash(row["secret_hash"], digest):
        return None
    principal = store.principal_from_row(row)
    _touch(conn, principal, digest)
    return principal


def verify_client(conn: sqlite3.Connection, client_id: str | None, secret: str | None
                  ) -> Principal | None:  # fmt: skip
    """The principal of a Wirelane OAuth client whose id and secret match (token endpoint)."""
    if not client_id or len(client_id) > 200 or not plausible_secret(secret):
        return None
    assert secret is not None
    digest = hash_secret(pepper(conn), secret)
    row = store.live_by_client_id(conn, client_id)
    if row is None or not same_hash(row["secret_hash"], digest):
        return None
    principal = store.principal_from_row(row)
    _touch(conn, principal, digest)
    return principal


def client_principal(conn: sqlite3.Connection, client_id: str) -> Principal | None:
    """The principal of an unrevoked OAuth client, by id: a JWT names its client, and a
    revoked client's tokens must stop working before they expire."""
    row = store.live_by_client_id(conn, client_id)
    return None if row is None else store.principal_from_row(row)


def _touch(conn: sqlite3.Connection, principal: Principal, digest: str) -> None:
    # A write per request would queue every partner call behind the single SQLite writer;
    # once a minute is precise enough for "last used". Best effort: a busy database must
    # not turn into a refused request.
    now = _clock()
    last = _touched.get(digest)
    if last is not None and now - last < TOUCH_SECONDS:
        return
    with _touched_lock:
        _touched[digest] = now
        _touched.move_to_end(digest)
        while len(_touched) > _TOUCHED_SIZE:
            _touched.popitem(last=False)
    try:
        store.touch(conn, principal.credential_id, utcnow())
    except sqlite3.OperationalError as exc:
        log.debug("last-used time of credential %s not recorded: %s",
                  principal.credential_public_id, exc)  # fmt: skip


# ------------------------------------------------------------------ scoping


def visible_user_ids(conn: sqlite3.Connection, principal: Principal) -> list[int]:
    """Ids of the users (contacts, members) the principal's partner may see, ascending."""
    return store.member_ids(conn, principal.partner_id)


def can_see_user(conn: sqlite3.Connection, principal: Principal, user_id: int) -> bool:
    return store.membership(conn, principal.partner_id, user_id) is not None


def can_see_card(conn: sqlite3.Connection, principal: Principal, card_id: int) -> bool:
    return store.owner_is_member(conn, principal.partner_id, "cards", card_id)


def can_see_session(conn: sqlite3.Connection, principal: Principal, session_id: int) -> bool:
    """Sessions of other drivers (no user) belong to no partner."""
    return store.owner_is_member(conn, principal.partner_id, "sessions", session_id)


def is_admin(conn: sqlite3.Connection, principal: Principal, user_id: int) -> bool:
    """Whether the user administers the principal's organisation (Wirelane password grant)."""
    return bool(store.membership(conn, principal.partner_id, user_id))


def add_member(conn: sqlite3.Connection, principal: Principal, user_id: int,
               admin: bool = False) -> None:  # fmt: skip
    """Make a user visible to the principal's partner (e.g. a contact it created)."""
    with transaction(conn):
        store.add_member(conn, principal.partner_id, user_id, admin)


def remove_member(conn: sqlite3.Connection, principal: Principal, user_id: int) -> None:
    with transaction(conn):
        store.remove_member(conn, principal.partner_id, user_id)


# ------------------------------------------------------------------ managing credentials


def create_credential(
    conn: sqlite3.Connection,
    api: str,
    name: str,
    *,
    role: str | None = None,
    organisation: str | None = None,
    operator_id: int | None = None,
    demo: bool = False,
    secret: str | None = None,
    client_id: str | None = None,
    public_id: str | None = None,
    partner_uuid: str | None = None,
    created_at: str | None = None,
) -> NewCredential:
    """A new API key (or OAuth client for Wirelane) for the partner ``name`` of ``api``,
    creating the partner on first use. The returned secret is shown once and never stored.

    ``secret``/``client_id``/``public_id``/``partner_uuid``/``created_at`` fix what is
    otherwise random or the current time: only the demo data passes them, so that its
    documented demo credentials are the same in every demo database.
    """
    check_partner_fields(api, name, role, organisation)
    if secret is not None and not plausible_secret(secret):
        raise BadInput("secret", "must be 1 to 512 characters")
    kind = CREDENTIAL_KIND[api]
    secret = secret or new_secret()
    if kind == OAUTH_CLIENT:
        client_id = client_id or new_client_id()
    elif client_id is not None:
        raise BadInput("client_id", f"only wirelane credentials are OAuth clients, not {api}")
    with transaction(conn):
        partner = store.find_partner(conn, api, name)
        if partner is None:
            if api == "wirelane" and organisation is None:
                raise BadInput("organisation", "a new wirelane partner needs the id of the "
                               "organisation it represents (e.g. DEMOTENANT)")  # fmt: skip
            taken = store.partner_for_organisation(conn, api, organisation)
            if taken is not None:
                raise BadInput("organisation", f"{organisation!r} is already represented by "
                               f"{api} partner {taken.name!r}")  # fmt: skip
            if operator_id is None and organisation and (api == "ampeco" or role == "cpo"):
                # An AMPECO token or OIOI CPO key speaks for an operator: link it when the
                # organisation names one of ours (by name or eMI3 party id).
                operator_id = store.operator_named(conn, organisation)
            partner = store.insert_partner(conn, api, name, role=role, organisation=organisation,
                                           operator_id=operator_id, demo=demo,
                                           partner_uuid=partner_uuid,
                                           created_at=created_at)  # fmt: skip
        else:
            _check_same_partner(partner, role, organisation)
        try:
            credential = store.insert_credential(
                conn, partner.id, public_id=public_id or new_public_id(), kind=kind,
                secret_hash=hash_secret(pepper(conn), secret), prefix=secret_prefix(secret),
                client_id=client_id, scopes=DEFAULT_SCOPES.get(api, ()), created_at=created_at,
            )
        except sqlite3.IntegrityError as exc:
            # Only a caller-chosen secret, client id or public id can collide.
            raise BadInput("secret", "a credential with this secret or id already exists"
                           ) from exc  # fmt: skip
    log.info("created %s credential %s for %s partner %r", kind, credential.public_id, api,
             name)  # fmt: skip
    return NewCredential(credential, partner, secret)


def _check_same_partner(partner: Partner, role: str | None, organisation: str | None) -> None:
    if role is not None and role != partner.role:
        raise BadInput("role", f"partner {partner.name!r} already has role {partner.role}")
    if organisation is not None and organisation != partner.organisation:
        raise BadInput("organisation", f"partner {partner.name!r} already represents "
                       f"{partner.organisation or 'no organisation'}")  # fmt: skip


def list_credentials(conn: sqlite3.Connection,
                     api: str | None = None) -> list[tuple[Credential, Partner]]:  # fmt: skip
    if api is not None and api not in APIS:
        raise BadInput("api", f"must be one of {', '.join(APIS)}")
    return store.list_credentials(conn, api)


def find_credential(conn: sqlite3.Connection, public_id: str) -> Credential | None:
    return store.credential_by_public_id(conn, public_id)


def revoke_credential(conn: sqlite3.Connection, public_id: str) -> Credential:
    """Revoke a credential by its public id; revoking twice keeps the first time."""
    with transaction(conn):
        credential = store.credential_by_public_id(conn, public_id)
        if credential is None:
            raise NotFound(f"id: no credential with id {public_id!r}", field="id")
        store.revoke(conn, credential.id, utcnow())
        revoked = store.credential_by_public_id(conn, public_id)
    assert revoked is not None
    log.info("revoked credential %s", public_id)
    return revoked
