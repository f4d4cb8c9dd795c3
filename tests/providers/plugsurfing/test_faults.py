"""The plugsurfing provider under faults (respx): a refused partner key, wrong passwords,
an expired user token, each EVSE error of session-start, 5xx and 429 retried only where a
repeat is harmless, timeouts."""

from __future__ import annotations

import httpx
import pytest
import respx

from services import models as m
from services.credentials import LoginVault, MemoryStore
from services.http import RetryPolicy
from services.provider import (
    BackendUnavailable,
    ChargerRejected,
    Conflict,
    ConnectorUnavailable,
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    NotAuthenticated,
    NoVehicle,
    OperationTimedOut,
    ProviderError,
    RateLimited,
    SessionExpired,
)
from services.providers.plugsurfing.errors import from_result
from services.registry import open_provider

from . import examples as ex
from .fake import BASE, KEY, FakeOioi, result

EMAIL = "test1@plugsurfing.com"


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def oioi():
    with respx.mock(assert_all_called=False) as router:
        fake = FakeOioi(router)
        fake.on("user-verify", ex.USER_VERIFY)
        fake.on("user-get-details", ex.USER_GET_DETAILS)
        fake.on("user-get-charging-keys", ex.USER_GET_CHARGING_KEYS)
        fake.on("station-get-surface", ex.STATION_GET_SURFACE)
        fake.on("station-get-by-ids", ex.STATION_GET_BY_IDS)
        fake.on("user-get-recent-sessions", {"user": {"sessions": []}, **ex.OK})
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


async def _open(sleeps: Sleeps, *, key: str = KEY, password: str = "test", **kw):
    return await open_provider(
        "plugsurfing",
        BASE,
        m.Credentials(username=EMAIL, password=password, api_key=key),
        retry=RetryPolicy(sleep=sleeps),
        poll_interval_s=0.01,
        **kw,
    )


@pytest.mark.parametrize(
    "answer",
    [
        result(210, "Invalid API key"),
        httpx.Response(403, json={"error": "forbidden"}),
        result(220, "not allowed"),
    ],
)
async def test_a_refused_partner_key_is_forbidden_not_a_wrong_password(oioi, sleeps, answer):
    oioi.on("user-verify", answer)
    with pytest.raises(Forbidden) as refused:
        await _open(sleeps, key="wrong-key-123")
    assert "not allow" in refused.value.message
    assert oioi.sent[0][2]["authorization"] == "key=wrong-key-123"


@pytest.mark.parametrize("code", [140, 141, 142, 144])
async def test_a_wrong_email_or_password_is_invalid_credentials(oioi, sleeps, code):
    oioi.on("user-verify", result(code, "Authentication failed"))
    with pytest.raises(InvalidCredentials):
        await _open(sleeps, password="wrong")


async def test_no_key_at_all_names_the_field(oioi, sleeps):
    provider = await open_provider("plugsurfing", BASE)
    try:
        with pytest.raises(InvalidInput) as missing:
            await provider.login(m.Credentials(username=EMAIL, password="test"))
        assert missing.value.field == "api_key"
        with pytest.raises(NotAuthenticated):
            await provider.search_stations(
                m.SearchQuery(centre=m.Coordinates(latitude=51.5, longitude=6.3), radius_km=5)
            )
        assert oioi.sent == []
    finally:
        await provider.close()


async def test_an_expired_user_token_ends_the_login_and_forgets_it(oioi, sleeps):
    vault = LoginVault(MemoryStore())
    p = await _open(sleeps, vault=vault)
    try:
        assert vault.load("plugsurfing", BASE) is not None
        oioi.on("user-get-charging-keys", result(145, "User token not valid"))
        with pytest.raises(SessionExpired) as expired:
            await p.list_cards()
        assert "log in again" in expired.value.message
        assert not p.is_logged_in
        assert vault.load("plugsurfing", BASE) is None
        assert [k for k in oioi.kinds() if k == "user-verify"] == ["user-verify"]  # no retry
        with pytest.raises(NotAuthenticated):
            await p.list_cards()
    finally:
        await p.close()


async def test_a_saved_token_no_longer_accepted_is_session_expired(oioi, sleeps):
    vault = LoginVault(MemoryStore())
    p = await _open(sleeps, vault=vault)
    await p.close()
    oioi.on("user-verify", result(145, "User token not valid"))
    again = await open_provider("plugsurfing", BASE, retry=RetryPolicy(sleep=sleeps))
    try:
        saved = vault.load("plugsurfing", BASE)
        with pytest.raises(SessionExpired):
            await again.login(m.Credentials(username=EMAIL, refresh_token=saved.refresh_token))
    finally:
        await again.close()


@pytest.mark.parametrize(
    ("code", "error", "reason"),
    [
        (300, ChargerRejected, None),
        (302, OperationTimedOut, None),
        (310, ConnectorUnavailable, "faulted"),
        (312, ConnectorUnavailable, "offline"),
        (320, ConnectorUnavailable, "occupied"),
        (321, NoVehicle, None),
        (399, ChargerRejected, None),
    ],
)
async def test_each_evse_error_of_a_start_is_typed(oioi, sleeps, code, error, reason):
    oioi.on("session-start", result(code, "EVSE says no"))
    p = await _open(sleeps)
    steps: list[str] = []
    try:
        with pytest.raises(error) as refused:
            await p.start_charging(
                "DE*123*E000000002", "ABCDABCD", progress=lambda s: steps.append(s.step)
            )
        if reason is not None:
            assert refused.value.reason == reason
        assert refused.value.message and "EVSE says no" not in refused.value.message
        assert len(oioi.fields("session-start")) == 1
        assert steps == ["requested"]
    finally:
        await p.close()


async def test_a_start_is_never_repeated_after_a_5xx(oioi, sleeps):
    oioi.on("session-start", httpx.Response(502))
    p = await _open(sleeps)
    try:
        with pytest.raises(BackendUnavailable):
            await p.start_charging("DE*123*E000000002", "ABCDABCD")
        assert len(oioi.fields("session-start")) == 1
    finally:
        await p.close()


async def test_a_start_that_times_out_is_not_repeated_and_says_check_sessions(oioi, sleeps):
    oioi.on("session-start", lambda _f: (_ for _ in ()).throw(httpx.ReadTimeout("slow")))
    p = await _open(sleeps)
    try:
        with pytest.raises(OperationTimedOut) as timed_out:
            await p.start_charging("DE*123*E000000002", "ABCDABCD")
        assert "Check your sessions" in timed_out.value.message
        assert len(oioi.fields("session-start")) == 1
    finally:
        await p.close()


async def test_searches_ride_out_5xx_and_429_honouring_retry_after(oioi, sleeps):
    p = await _open(sleeps)
    oioi.on(
        "station-get-surface",
        httpx.Response(503),
        httpx.Response(429, headers={"Retry-After": "2"}),
        ex.STATION_GET_SURFACE,
    )
    try:
        page = await p.search_stations(
            m.SearchQuery(centre=m.Coordinates(latitude=51.5162, longitude=6.3225), radius_km=5)
        )
        assert [s.id for s in page.items] == ["1169", "1622"]
        assert len(oioi.fields("station-get-surface")) == 3
        assert 2.0 in sleeps.delays
    finally:
        await p.close()


async def test_a_back_end_down_or_slow_is_backend_unavailable(oioi, sleeps):
    p = await _open(sleeps)
    try:
        oioi.on("station-get-by-ids", httpx.Response(500))
        with pytest.raises(BackendUnavailable):
            await p.get_station("1169")
        assert len(oioi.fields("station-get-by-ids")) == 4  # the policy's four tries
        oioi.on("station-get-by-ids", lambda _f: (_ for _ in ()).throw(httpx.ReadTimeout("x")))
        with pytest.raises(BackendUnavailable) as slow:
            await p.get_station("1169")
        assert "in time" in slow.value.message
        oioi.on("station-get-by-ids", httpx.Response(429, headers={"Retry-After": "3600"}))
        with pytest.raises(RateLimited) as limited:
            await p.get_station("1169")
        assert limited.value.retry_after == 3600
    finally:
        await p.close()


async def test_a_answer_that_is_no_oioi_answer_is_an_error_not_a_crash(oioi, sleeps):
    p = await _open(sleeps)
    try:
        oioi.on("station-get-by-ids", httpx.Response(200, text="<html>proxy</html>"))
        with pytest.raises(ProviderError):
            await p.get_station("1169")
        oioi.on("station-get-by-ids", {"result": {"code": "zero", "message": None}})
        with pytest.raises(ProviderError):
            await p.get_station("1169")
        oioi.on("station-get-by-ids", httpx.Response(400, json=result(230, "station-ids")))
        with pytest.raises(InvalidInput):
            await p.get_station("1169")
    finally:
        await p.close()


def test_codes_are_read_specific_first_then_by_their_group():
    assert isinstance(from_result(143, "exists"), Conflict)
    assert isinstance(from_result(145, None), SessionExpired)
    assert isinstance(from_result(149, None), NotAuthenticated)  # any 14x
    assert from_result(181, None).code == "NOT_FOUND"
    assert from_result(188, None).code == "NOT_SUPPORTED"
    assert from_result(192, None).code == "CARD_REJECTED"
    assert from_result(197, None).code == "CARD_REJECTED"  # any 19x
    assert isinstance(from_result(210, None), Forbidden)
    assert from_result(230, "date-interval.start: not RFC 3339").field == "date-interval.start"
    taken = from_result(190, "rfid: '04523022AA4881' is registered to another account")
    assert isinstance(taken, InvalidInput) and taken.field == "uid"
    assert taken.message == "'04523022AA4881' is registered to another account."
    assert from_result(100, None).code == "BACKEND_UNAVAILABLE"
    assert from_result(102, None).code == "TIMED_OUT"
    assert "payment" in from_result(850, None).message
    assert "145" in from_result(145, "x", request="user-get-details").detail


async def test_a_throttled_sign_in_is_rate_limited_not_a_wrong_password(oioi, sleeps):
    throttled = httpx.Response(429, headers={"Retry-After": "120"}, json=result(140, "wait 120 s"))
    oioi.on("user-verify", throttled)
    with pytest.raises(RateLimited) as limited:
        await _open(sleeps)
    assert limited.value.retry_after == 120
    assert len(oioi.fields("user-verify")) == 1  # longer than the policy waits for


async def test_a_start_whose_answer_is_lost_is_not_repeated(oioi, sleeps):
    lost = httpx.RemoteProtocolError("connection closed")
    oioi.on("session-start", lambda _f: (_ for _ in ()).throw(lost))
    p = await _open(sleeps)
    try:
        with pytest.raises(OperationTimedOut):
            await p.start_charging("DE*123*E000000002", "ABCDABCD")
        assert len(oioi.fields("session-start")) == 1
    finally:
        await p.close()
