"""Receipts, invoices, transactions and CDRs of the operator's users (the demo users'
history): each finished session billed the same in all four, invoices with their PDF one
signed link away, listings paged completely, another operator's records 404."""

from __future__ import annotations

import httpx
import pytest

from tests.contract.ampeco.client import Ampeco

RECEIPTS = "/public-api/resources/receipts/v2.0"
RECEIPT = "/public-api/resources/receipts/v2.0/{receipt}"
INVOICES = "/public-api/resources/invoices/v1.0"
INVOICE = "/public-api/resources/invoices/v1.0/{invoice}"
TRANSACTIONS = "/public-api/resources/transactions/v1.0"
TRANSACTION = "/public-api/resources/transactions/v1.0/{transaction}"
CDRS = "/public-api/resources/cdrs/v2.0"
CDR = "/public-api/resources/cdrs/v2.0/{cdr}"
SESSION = "/public-api/resources/sessions/v1.0/{session}"


@pytest.fixture(scope="module")
def receipts(amp: Ampeco) -> list[dict]:
    rows = amp.ok(RECEIPTS, params={"per_page": 20, "cursor": ""})["data"]
    assert rows, "the demo users have finished sessions"
    return rows


def test_a_session_is_billed_alike_everywhere(amp: Ampeco, receipts: list[dict]) -> None:
    r = receipts[0]
    session = amp.ok(SESSION, session=r["id"])["data"]
    assert session["status"] == "finished"
    read = amp.ok(RECEIPT, receipt=r["id"])["data"]
    # each answer signs its own download link (a fresh expiry)
    assert read.pop("downloadUrl") and {**r, "downloadUrl": None} == {**read, "downloadUrl": None}
    assert r["totalAmount"] == session["totalAmount"]["withTax"]
    assert r["totalKwh"] == pytest.approx(session["energy"] / 1000, abs=0.001)
    t = amp.ok(TRANSACTION, transaction=r["id"])
    assert t["sessionId"] == int(session["id"]) and t["receiptId"] == r["id"]
    assert t["totalAmount"] == r["totalAmount"] and t["status"] == "finalized"
    c = amp.ok(CDR, cdr=r["id"])["data"]
    assert c["sessionId"] == session["id"] and c["isLocal"] is True
    assert c["ocpiData"]["totalEnergy"] == r["totalKwh"]
    assert c["ocpiData"]["totalCost"] <= r["totalAmount"]


def test_invoices_link_their_pdf(amp: Ampeco) -> None:
    invoices = amp.all_pages(INVOICES, params={"per_page": 3})
    assert invoices, "the demo users have invoices"
    first = invoices[0]
    assert amp.ok(INVOICE, invoice=first["id"])["data"] == first
    assert first["totalAmount"] == pytest.approx(first["subtotal"] + first["taxAmount"],
                                                 abs=0.011)
    pdf = httpx.get(first["downloadUrl"], timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    billed = amp.ok(TRANSACTIONS, params={"filter[invoiceId]": first["id"], "cursor": ""})
    assert len(billed["data"]) == first["quantity"]
    assert {t["invoiceId"] for t in billed["data"]} <= {first["id"]}


def test_listings_page_completely(amp: Ampeco, receipts: list[dict]) -> None:
    user = receipts[0]["userId"]
    for path in (RECEIPTS, TRANSACTIONS, CDRS):
        params = {"per_page": 4} if path == CDRS else {"per_page": 4, "filter[userId]": user}
        rows = amp.all_pages(path, params=params)
        ids = [r["id"] for r in rows]
        assert ids == sorted(set(ids)) and ids, path
    paged = amp.ok(RECEIPTS, params={"page": 2, "per_page": 2, "filter[userId]": user})
    assert paged["meta"]["current_page"] == 2 and paged["meta"]["total"] >= 2


@pytest.mark.parametrize(("path", "query"), [
    (TRANSACTIONS, {"filter[status]": "lost"}),
    (TRANSACTIONS, {"per_page": "500"}),
    (CDRS, {"filter[credit]": "perhaps"}),
    (CDRS, {"cursor": "garbage"}),
])
def test_bad_parameters_are_400(amp: Ampeco, path: str, query: dict) -> None:
    response = amp.get(path, params=query)
    assert response.status_code == 400 and response.json()["message"]


def test_another_operator_sees_none(amp: Ampeco, other_operator: Ampeco,
                                    receipts: list[dict]) -> None:
    r = receipts[0]
    assert other_operator.get(RECEIPT, receipt=r["id"]).status_code == 404
    assert other_operator.get(TRANSACTION, transaction=r["id"]).status_code == 404
    assert other_operator.get(CDR, cdr=r["id"]).status_code == 404
    assert other_operator.ok(RECEIPTS, params={"cursor": ""})["data"] == []
    assert other_operator.ok(INVOICES, params={"cursor": ""})["data"] == []
    assert other_operator.ok(CDRS)["data"] == []
