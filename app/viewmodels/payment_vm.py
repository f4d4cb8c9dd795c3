"""Pay as you go: add a payment method, or pay for one charge on the back end's hosted
payment page and follow it until the charge starts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from app.context import AppContext
from app.viewmodels.base import ViewModel, error_message
from services.models import Connector, PaymentLink
from services.provider import Capability, ProviderError

log = logging.getLogger(__name__)

POLL_S = 2.0
# A hosted payment page stays open for a while; after this the driver starts again
WAIT_FOR_PAYMENT_S = 15 * 60.0


class PaymentViewModel(ViewModel):
    """States: idle, waiting (page opened, not paid yet), started, failed, expired."""

    def __init__(
        self, ctx: AppContext, *, poll_s: float = POLL_S, within_s: float = WAIT_FOR_PAYMENT_S
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.poll_s, self.within_s = poll_s, within_s
        self.state = "idle"
        self.link: PaymentLink | None = None
        self.method_link: PaymentLink | None = None
        self.has_method: bool | None = None
        self.session_id: str | None = None
        self.on_started: Callable[[str | None], object] | None = None
        self._task: asyncio.Task | None = None

    @property
    def offered(self) -> bool:
        return self.ctx.logged_in and self.ctx.can(Capability.PAY_AS_YOU_GO)

    async def check_method(self) -> bool | None:
        if not self.offered:
            return None
        try:
            self.has_method = await self.ctx.provider.has_payment_method()
        except ProviderError as exc:
            log.info("payment methods unknown: %s", exc.message)
            self.has_method = None
        finally:
            self.busy = False
        self.notify()
        return self.has_method

    async def add_method(self) -> str | None:
        """The hosted page where the driver saves a payment method (None: failed)."""
        self.error = None
        try:
            self.method_link = await self.ctx.provider.add_payment_method()
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
            self.notify()
            return None
        self.notify()
        return self.method_link.url

    async def pay_and_start(self, connector: Connector) -> str | None:
        """Open a payment for one charge on ``connector``; the page's URL, None on error."""
        self.stop()
        self.error, self.session_id = None, None
        try:
            self.link = await self.ctx.provider.start_with_payment(connector.id)
        except ProviderError as exc:
            self.state, self.error = "failed", error_message(self.ctx.t, exc)
            self.notify()
            return None
        self.state = "waiting"
        self.notify()
        evse = connector.evse_id or connector.id
        self._task = asyncio.create_task(self._follow(evse, self.link.transaction_id or ""))
        return self.link.url

    async def _follow(self, evse_id: str, transaction_id: str) -> None:
        deadline = time.monotonic() + self.within_s
        while time.monotonic() < deadline:
            try:
                status = await self.ctx.provider.payment_status(evse_id, transaction_id)
            except ProviderError as exc:
                log.info("payment status: %s", exc.message)
                await asyncio.sleep(self.poll_s)
                continue
            if status.status in ("STARTED", "FINISHED"):
                self.state, self.session_id = "started", status.session_id
                self.notify()
                if self.on_started is not None:
                    result = self.on_started(status.session_id)
                    if asyncio.iscoroutine(result):
                        await result
                return
            if status.status in ("FAILED", "EXPIRED"):
                self.state = status.status.lower()
                reason = status.message or status.status.lower()
                self.error = (
                    self.ctx.t("pay.failed", reason=reason)
                    if self.state == "failed"
                    else self.ctx.t("pay.expired")
                )
                self.notify()
                return
            await asyncio.sleep(self.poll_s)
        self.state, self.error = "expired", self.ctx.t("pay.expired")
        self.notify()

    def stop(self) -> None:
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
        self._task = None

    def reset(self) -> None:
        self.stop()
        self.state, self.link, self.method_link, self.session_id = "idle", None, None, None
        self.has_method, self.error = None, None

    async def close(self) -> None:
        self.stop()
        with contextlib.suppress(Exception):
            await asyncio.sleep(0)
