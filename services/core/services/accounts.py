"""Accounts as the facades need them: contacts (with their additional fields), favourite
stations, documents with signed download links."""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.domain import accounts, documents, favourites
from services.core.store import stations as station_store
from services.core.store import users as user_store


def contact_with_fields(conn: sqlite3.Connection, user_id: int) -> dict[str, Any]:
    """``contact`` (``accounts.contact_dict``) and ``additional_fields`` of a user."""
    row = user_store.user_by_id(conn, user_id)
    return {"contact": accounts.contact_dict(conn, row),
            "additional_fields": accounts.additional_fields_of(row)}


def update_contact(conn: sqlite3.Connection, user_id: int, profile: dict[str, Any]
                   ) -> dict[str, Any]:
    accounts.update_contact(conn, user_id, profile)
    return contact_with_fields(conn, user_id)


def register(conn: sqlite3.Connection, profile: dict | None, fields: list | None
             ) -> dict[str, Any]:
    row = accounts.register(conn, profile, fields)
    return contact_with_fields(conn, row["id"])


def delete_contact(conn: sqlite3.Connection, user_id: int) -> dict[str, Any]:
    row = accounts.delete_contact(conn, user_id)
    return {"contact": accounts.contact_dict(conn, row),
            "additional_fields": accounts.additional_fields_of(row)}


def favourite_stations(conn: sqlite3.Connection, user_id: int) -> list[dict[str, Any]]:
    rows = favourites.favourite_station_rows(conn, user_id)
    stations = station_store.stations_by_ids(conn, [r["id"] for r in rows])
    for st in stations:
        # Known here without another lookup; renderers may use it.
        st["is_favoured"] = True
    return stations


def _documents(conn: sqlite3.Connection, user_id: int, rows: list[sqlite3.Row], base: str
               ) -> list[tuple[sqlite3.Row, str]]:
    owner = user_store.user_uuid(conn, user_id)
    return [(r, f"{base}/documents/{r['uuid']}.pdf?"
             + documents.signed_query(conn, r["uuid"], owner)) for r in rows]


def document(conn: sqlite3.Connection, user_id: int, ident: str | None, base: str
             ) -> tuple[sqlite3.Row, str]:
    """(document, signed download link)."""
    return _documents(conn, user_id, [documents.get_document(conn, user_id, ident)], base)[0]


def documents_page(conn: sqlite3.Connection, user_id: int, limit: int, offset: int, base: str
                   ) -> tuple[list[tuple[sqlite3.Row, str]], int]:
    rows, total = documents.list_documents(conn, user_id, limit, offset)
    return _documents(conn, user_id, rows, base), total

