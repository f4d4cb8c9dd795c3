"""Pay as you go: a driver without a card pays one charge on the hosted page and the charge
is followed until it starts; failures and expiry are told in words."""

from __future__ import annotations

import asyncio

import pytest
from fake_provider import FakeProvider

from app.context import AppConfig, AppContext
from app.settings import Settings
from app.viewmodels.account_vm import AccountViewModel
from app.viewmodels.payment_vm import PaymentViewModel
from services.provider import Capability
from tests.waits import eventually


@pytest.fixture
async def ctx() -> AppContext:
    c = AppContext(AppConfig(persist_settings=False), Settings(), FakeProvider())
    assert await AccountViewModel(c).login("driver@example.com", "driver-demo")
    return c


async def _state(vm: PaymentViewModel, want: str) -> None:
    async def reached():
        return vm.state == want

    await eventually(reached, within_s=10, interval=0.01)


async def test_paid_charge_starts_and_hands_over_the_session(ctx):
    vm = PaymentViewModel(ctx, poll_s=0.01)
    assert vm.offered and await vm.check_method() is False
    started = asyncio.Event()
    vm.on_started = lambda session_id: started.set()
    connector = ctx.provider.stations[0].connectors[0]
    url = await vm.pay_and_start(connector)
    assert url.endswith(connector.id) and vm.state == "waiting"
    assert ctx.provider.calls[-1] == f"pay:{connector.id}"
    ctx.provider.payment_state, ctx.provider.payment_session = "STARTED", "sess-1"
    await asyncio.wait_for(started.wait(), 10)
    assert vm.state == "started" and vm.session_id == "sess-1"


@pytest.mark.parametrize("state", ["FAILED", "EXPIRED"])
async def test_failed_or_expired_payment_is_explained(ctx, state):
    vm = PaymentViewModel(ctx, poll_s=0.01)
    ctx.provider.payment_state = state
    await vm.pay_and_start(ctx.provider.stations[0].connectors[0])
    await _state(vm, state.lower())
    assert vm.error and (state == "FAILED") == vm.error.startswith("Charging did not start")


async def test_waiting_too_long_expires_and_adding_a_method_gives_a_page(ctx):
    vm = PaymentViewModel(ctx, poll_s=0.01, within_s=0.05)
    await vm.pay_and_start(ctx.provider.stations[0].connectors[0])
    await _state(vm, "expired")
    assert vm.error == ctx.t("pay.expired")
    assert (await vm.add_method()).startswith("http://core.test/payments/")
    ctx.provider.capabilities = frozenset(Capability) - {Capability.PAY_AS_YOU_GO}
    assert not vm.offered and await vm.check_method() is None
    await vm.close()
