"""Accounts as the facades need them: contacts (with their additional fields), favourite
stations, documents with signed download links and as PDF, the terms as PDF."""

from __future__ import annotations

import sqlite3
from typing import Any

from services.core.domain import accounts, documents, favourites, invoice_pdf
from services.core.store import documents as document_store
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


def register(conn: sqlite3.Connection, profile: dict | None, fields: list | None,
             password_hash: str | None = None) -> dict[str, Any]:
    row = accounts.register(conn, profile, fields, password_hash)
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



def owned_document(conn: sqlite3.Connection, user_id: int, uuid: str) -> sqlite3.Row | None:
    return document_store.document_of_user(conn, user_id, uuid)


def document_pdf(conn: sqlite3.Connection, doc: sqlite3.Row) -> bytes:
    """The document as PDF: invoices are built from the sessions they bill."""
    if doc["doc_type"] == "invoice":
        return invoice_pdf.render_invoice(documents.invoice_data(conn, doc))
    return invoice_pdf.render_plain(doc, user_store.user_by_id(conn, doc["user_id"]))


def terms_pdf(conn: sqlite3.Connection, terms_uuid: str) -> bytes | None:
    row = user_store.terms_by_uuid(conn, terms_uuid)
    return invoice_pdf.render_terms(row) if row is not None else None
