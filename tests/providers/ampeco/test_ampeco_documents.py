"""The AMPECO driver's receipts and invoices as documents, against the real core: each one
carries a link the app opens as it is (a browser sends no token), and behind a receipt's
link is that receipt's PDF."""

from __future__ import annotations

import httpx
import pytest

from services.models import Credentials
from services.registry import open_provider
from tests.pdf_text import pdf_text

DRIVER = Credentials(username="driver@example.com", api_key="ampeco-demo-token")  # demo only


@pytest.fixture
async def provider(core_url):
    p = await open_provider("ampeco", core_url, poll_interval_s=0.2)
    yield p
    await p.close()


async def test_a_receipt_opens_as_its_pdf_without_the_token(provider, core_url):
    await provider.login(DRIVER)
    docs = (await provider.documents(limit=500)).items
    receipts = [d for d in docs if d.type == "receipt"]
    assert receipts, "the demo driver has finished sessions"
    assert all(d.download_url and d.download_url.startswith(f"{core_url}/") for d in docs)

    newest = receipts[0]
    number = newest.title.removeprefix("Receipt ")
    async with httpx.AsyncClient(timeout=60.0) as browser:
        response = await browser.get(newest.download_url)
        assert response.status_code == 200, response.text[:300]
        assert response.headers["content-type"] == "application/pdf"
        assert f'filename="{number}.pdf"' in response.headers["content-disposition"]
        assert response.content.startswith(b"%PDF-")
        text = pdf_text(response.content)
        assert f"Receipt number: {number}" in text
        assert f"Issued on: {newest.date.date().isoformat()}" in text

        # the signature is the receipt's own: another receipt's number in the path is refused
        if len(receipts) > 1:
            other_id = receipts[1].id.removeprefix("receipt-")
            own_id = newest.id.removeprefix("receipt-")
            moved = newest.download_url.replace(f"/{own_id}/download", f"/{other_id}/download")
            refused = await browser.get(moved)
            assert refused.status_code == 403 and refused.json()["message"]
