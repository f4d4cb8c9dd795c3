"""Members of a partner managed by an operator (``voltra-core member``): the users a partner
may see, and for a Wirelane organisation its administrators (who may sign in through the
password grant)."""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.domain.errors import BadInput, NotFound
from services.core.domain.partners import APIS, Partner
from services.core.store import members as member_store
from services.core.store import partners as partner_store
from services.core.store.db import transaction


def _partner(conn: sqlite3.Connection, api: str, name: str) -> Partner:
    if api not in APIS:
        raise BadInput("api", f"must be one of {', '.join(APIS)}")
    partner = partner_store.find_partner(conn, api, name)
    if partner is None:
        raise NotFound(f"partner: no {api} partner named {name!r}", field="partner")
    return partner


def _user(conn: sqlite3.Connection, email: str) -> int:
    user_id = member_store.user_id_by_email(conn, email)
    if user_id is None:
        raise NotFound(f"email: no user {email!r}", field="email")
    return user_id


def add(conn: sqlite3.Connection, api: str, partner_name: str, email: str,
        admin: bool = False) -> None:  # fmt: skip
    """Make the user a member (an admin with ``admin``); adding again sets the admin flag."""
    partner = _partner(conn, api, partner_name)
    with transaction(conn):
        partner_store.add_member(conn, partner.id, _user(conn, email), admin)


def remove(conn: sqlite3.Connection, api: str, partner_name: str, email: str) -> None:
    partner = _partner(conn, api, partner_name)
    with transaction(conn):
        partner_store.remove_member(conn, partner.id, _user(conn, email))


def listing(conn: sqlite3.Connection, api: str, partner_name: str) -> list[dict[str, Any]]:
    partner = _partner(conn, api, partner_name)
    return member_store.members(conn, partner.id, order="email", limit=1_000_000)
