"""Domain checks on an in-memory store: authorisation by construction (functions take the
acting user and never return another user's rows), documents' signed links, contracts."""

import time

import pytest

from services.core.api.beenergised import parsers
from services.core.domain import accounts, cards, contracts, documents, favourites
from services.core.domain.errors import BadInput, Conflict, NotFound
from services.core.store.db import transaction, utcnow


@pytest.fixture
def data(conn):
    a = accounts.register(conn, {"email": "a@example.com", "password": "secret-pw-1"})
    b = accounts.register(conn, {"email": "b@example.com", "password": "secret-pw-1"})
    with transaction(conn):
        tid = conn.execute("INSERT INTO tariffs(name, per_kwh) VALUES ('T', 0.4)").lastrowid
        conn.execute("INSERT INTO rate_options(uuid, name, tariff_id) VALUES ('rate-1', 'R', ?)",
                     (tid,))
        conn.execute("INSERT INTO operators(name, party_id, country) VALUES ('O', 'OOO', 'DE')")
        conn.execute("INSERT INTO sites(uuid, name, operator_id, country, latitude, longitude)"
                     " VALUES ('site-1', 'S', 1, 'DEU', 52.5, 13.4)")
        conn.execute("INSERT INTO stations(uuid, site_id, operator_id, label, country, latitude,"
                     " longitude) VALUES ('st-1', 1, 1, 'L', 'DEU', 52.5, 13.4)")
    return a["id"], b["id"]


def test_register_rejects_duplicates_case_insensitively(conn, data):
    with pytest.raises(Conflict):
        accounts.register(conn, {"email": "A@EXAMPLE.COM", "password": "secret-pw-1"})
    with pytest.raises(BadInput) as e:
        accounts.register(conn, None)
    assert parsers.wire_error(e.value).field == "contactProfile"


def test_cards_belong_to_their_owner(conn, data):
    a, b = data
    card = cards.create_card(conn, a, "rate-1", "mine")
    assert cards.get_card(conn, a, card["uuid"])["id"] == card["id"]
    assert cards.get_card(conn, a, card["tag_id"].lower())["id"] == card["id"]
    with pytest.raises(NotFound):
        cards.get_card(conn, b, card["uuid"])
    with pytest.raises(NotFound):
        cards.update_card(conn, b, card["uuid"], "stolen", "DEACTIVATE")
    assert cards.get_card(conn, a, card["uuid"])["label"] == "mine"
    rows, total = cards.list_cards(conn, b, 10, 0)
    assert rows == [] and total == 0


def test_favourites_all_or_nothing(conn, data):
    a, _ = data
    with pytest.raises(NotFound):
        favourites.set_favourites(conn, a, ["st-1", "missing"])
    assert favourites.favourite_station_rows(conn, a) == []
    favourites.set_favourites(conn, a, ["st-1", "st-1"])
    assert [r["uuid"] for r in favourites.favourite_station_rows(conn, a)] == ["st-1"]
    assert favourites.favoured_among(conn, a, [1, 2]) == {1}


def test_document_signatures(conn, data):
    a, _ = data
    with transaction(conn):
        conn.execute("INSERT INTO documents(uuid, user_id, doc_type, title, document_date,"
                     " created_at) VALUES ('d1', ?, 'invoice', 'I', ?, ?)", (a, utcnow(), utcnow()))
    owner = conn.execute("SELECT uuid FROM users WHERE id = ?", (a,)).fetchone()[0]
    now = time.time()
    query = documents.signed_query(conn, "d1", owner, now=now)
    params = dict(p.split("=") for p in query.split("&"))
    assert documents.check_signature(conn, "d1", params["expires"], params["sig"], now=now)
    # expired, tampered, or for another document: refused
    assert documents.check_signature(conn, "d1", params["expires"], params["sig"],
                                     now=now + documents.LINK_TTL_SECONDS + 1) is None
    assert documents.check_signature(conn, "d1", params["expires"], "0" * 64, now=now) is None
    assert documents.check_signature(conn, "d2", params["expires"], params["sig"], now=now) is None
    # the key persists: a second call signs identically
    assert documents.signed_query(conn, "d1", owner, now=now) == query


def test_sepa_contract_issues_card_and_cancel_blocks_it(conn, data):
    a, b = data
    contract, card = contracts.create_sepa(conn, a, parsers.contract_input({
        "id": contracts.SEPA_OPTION, "rateId": "rate-1", "iban": "DE89370400440532013000",
        "bic": "COBADEFFXXX", "bank": "B", "debitType": "CORE", "accountHolder": "A",
        "useParent": False}))
    assert card["status"] == "ACTIVE" and contract["kind"] == "SEPA"
    with pytest.raises(NotFound):
        contracts.cancel(conn, b, "SEPA", contract["uuid"], "id")
    contracts.cancel(conn, a, "SEPA", contract["uuid"], "id")
    assert cards.get_card(conn, a, card["uuid"])["status"] == "INACTIVE"
    assert contracts.bank_account(conn, a) is None


def test_card_expiry_dates_and_timestamps():
    from datetime import UTC, datetime

    now = datetime(2027, 1, 31, 12, 0, tzinfo=UTC)
    assert not cards.is_expired("2027-01-31", now)  # valid through that day
    assert cards.is_expired("2027-01-30", now)
    assert cards.is_expired("2027-01-31T11:00:00.000Z", now)
    assert not cards.is_expired(None, now)
