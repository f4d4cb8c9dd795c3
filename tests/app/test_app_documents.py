"""Documents open through the link the back end gives at the tap, against the real core:
links are signed and expire, and the list may have been loaded long before."""

from __future__ import annotations

import httpx

from app.context import AppConfig, AppContext, open_provider
from app.settings import Settings
from app.viewmodels.account_vm import AccountViewModel
from services.models import Document


async def test_a_document_opens_through_a_link_fetched_at_the_tap(core_url):
    config = AppConfig(persist_settings=False, demo=True, base_url=core_url,
                       online_geocoding=False)
    ctx = AppContext(config, Settings(), await open_provider("beenergised", core_url))
    vm = AccountViewModel(ctx)
    try:
        assert await vm.login("driver@example.com", "driver-demo"), vm.error
        assert vm.documents, "the demo driver has invoices"
        listed = vm.documents[0]
        # a link gone stale while the list sat on screen
        stale = listed.model_copy(update={"download_url": core_url + "/expired"})
        url = await vm.download_url(stale)
        assert url and url != stale.download_url
        async with httpx.AsyncClient() as http:
            answer = await http.get(url)
        assert answer.status_code == 200, answer.text[:200]
        assert answer.content.startswith(b"%PDF-")

        gone = Document(id="no-such-document", type=listed.type, title="Gone")
        assert await vm.download_url(gone) is None
    finally:
        await ctx.provider.close()
