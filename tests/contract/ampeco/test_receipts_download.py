"""A receipt's ``downloadUrl``: an absolute link on the origin the client used, to the
receipt as a PDF attachment named by its number, authorised by its own signature; an
unsigned, altered, expired or another operator's link answers the document's error bodies."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from services.core.services import partners, receipt_links
from services.core.store.db import connect
from tests.contract.ampeco.client import Ampeco
from tests.contract.ampeco.openapi_check import check_response
from tests.pdf_text import pdf_text

RECEIPTS = "/public-api/resources/receipts/v2.0"
RECEIPT = "/public-api/resources/receipts/v2.0/{receipt}"
SESSION = "/public-api/resources/sessions/v1.0/{session}"


@pytest.fixture(scope="module")
def receipts(amp: Ampeco) -> list[dict]:
    rows = amp.ok(RECEIPTS, params={"per_page": 5, "cursor": ""})["data"]
    assert len(rows) >= 2, "the demo users have finished sessions"
    return rows


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60.0) as client:
        yield client


def refused(http: httpx.Client, url: str, status: int) -> str:
    """The message of a refused download, its body checked against the receipt read's."""
    response = http.get(url)
    assert response.status_code == status, response.text[:300]
    return check_response("GET", RECEIPT, response)["message"]


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return parts._replace(query=urlencode(query)).geturl()


def test_every_receipt_links_its_pdf(amp: Ampeco, receipts: list[dict], core_url: str,
                                     http: httpx.Client) -> None:
    for r in receipts:
        assert r["downloadUrl"].startswith(f"{core_url}{RECEIPT.format(receipt=r['id'])}/")
    r = receipts[0]
    read = amp.ok(RECEIPT, receipt=r["id"])["data"]
    assert read["downloadUrl"].startswith(f"{core_url}/") and read["receiptNo"] == r["receiptNo"]

    response = http.get(read["downloadUrl"])
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{r["receiptNo"]}.pdf"')
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")
    text = pdf_text(response.content)
    assert f"Receipt number: {r['receiptNo']}" in text
    assert f"Issued on: {r['issuedOn']}" in text
    assert f"{r['totalAmount']:,.2f} EUR" in text  # the total paid, as the receipt says
    session = amp.ok(SESSION, session=r["id"])["data"]
    assert f"{session['energy'] / 1000:.3f}" in text  # the session's energy in kWh


def test_the_link_is_built_on_the_origin_the_client_used(amp: Ampeco, receipts: list[dict],
                                                         core_url: str) -> None:
    port = urlsplit(core_url).port
    response = amp.http.get(RECEIPT.format(receipt=receipts[0]["id"]), headers={
        "Authorization": f"Bearer {amp.token}", "Host": f"localhost:{port}"})
    body = check_response("GET", RECEIPT, response)
    assert body["data"]["downloadUrl"].startswith(f"http://localhost:{port}/public-api/")


def test_an_unsigned_or_altered_link_is_refused(receipts: list[dict], http: httpx.Client) -> None:
    url, other = receipts[0]["downloadUrl"], receipts[1]
    bare = url.split("?")[0]
    assert refused(http, bare, 401) == "Unauthenticated."
    assert "invalid" in refused(http, with_query(url, sig="0" * 64), 403)
    assert "invalid" in refused(http, with_query(url, sig="not-hex"), 403)
    assert "invalid" in refused(http, with_query(url, expires=str(int(time.time()) + 86400)), 403)
    assert "invalid" in refused(http, with_query(url, partner="999999"), 403)
    # one receipt's signature opens no other receipt
    elsewhere = url.replace(f"/v2.0/{receipts[0]['id']}/", f"/v2.0/{other['id']}/")
    assert "invalid" in refused(http, elsewhere, 403)
    assert http.get(url).status_code == 200  # the original still works
    assert refused(http, url.replace(f"/v2.0/{receipts[0]['id']}/", "/v2.0/abc/"), 404)


def test_an_expired_link_is_refused(receipts: list[dict], core_db: Path,
                                    http: httpx.Client) -> None:
    r = receipts[0]
    partner = parse_qs(urlsplit(r["downloadUrl"]).query)["partner"][0]
    conn = connect(core_db)
    try:
        past = time.time() - receipt_links.LINK_TTL_SECONDS - 60
        query = receipt_links.signed_queries(conn, int(partner), [r["id"]], now=past)[r["id"]]
    finally:
        conn.close()
    expired = f"{r['downloadUrl'].split('?')[0]}?{query}"
    assert "expired" in refused(http, expired, 403)


def test_another_operators_link_opens_none_of_this_operators_receipts(
        receipts: list[dict], other_operator: Ampeco, core_db: Path,
        http: httpx.Client) -> None:
    """A link the core signed for another operator names a receipt that operator cannot
    see: 404 as for the receipt read, never the PDF."""
    r = receipts[0]
    assert other_operator.get(RECEIPT, receipt=r["id"]).status_code == 404
    conn = connect(core_db)
    try:
        principal = partners.authenticate(conn, "ampeco", other_operator.token)
        assert principal is not None
        query = receipt_links.signed_queries(conn, principal.partner_id, [r["id"]])[r["id"]]
    finally:
        conn.close()
    assert refused(http, f"{r['downloadUrl'].split('?')[0]}?{query}", 404)
