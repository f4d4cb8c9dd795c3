"""The provider contract the app relies on: every ChargingProvider operation exists on the
protocol and on each provider (be.ENERGISED and the offline-cache wrapper), async where it
talks to a back end; the neutral models carry the fields the screens use; each typed error
has its own machine code and a driver-readable default message."""

from __future__ import annotations

import inspect

import pytest

from services import models, provider
from services.cache import CachingProvider, OfflineCache
from services.providers.beenergised.provider import BeEnergisedProvider

OPERATIONS = [
    "login",
    "logout",
    "register",
    "profile",
    "search_stations",
    "get_station",
    "watch_status",
    "list_cards",
    "add_card",
    "rename_card",
    "block_card",
    "unblock_card",
    "start_charging",
    "get_session",
    "stop_charging",
    "active_sessions",
    "history",
    "statistics",
    "documents",
    "favourites",
    "set_favourite",
]

FIELDS = {
    models.Station: "id name operator address coordinates distance_km access opening_hours "
    "images status favourite connectors",
    models.Connector: "id evse_id plug_type current_type max_power_kw status status_since price",
    models.Tariff: "start_fee per_kwh per_minute parking_per_minute currency tax_rate",
    models.Card: "id uid number label type status expiry rate",
    models.ChargingSession: "id station_id connector_id card_id state started_at ended_at "
    "energy_kwh power_kw soc cost co2_saved_kg",
    models.Page: "items offset limit total is_last",
    models.Statistics: "sessions energy_kwh cost co2_saved_kg",
    models.Document: "id type title date download_url",
    models.Profile: "id email first_name last_name",
    models.SearchQuery: "centre radius_km bbox filters",
    models.StationFilters: "plug_types min_power_kw current_type available_only free_only "
    "favourites_only operator",
}

ERRORS = [
    "NotAuthenticated",
    "SessionExpired",
    "NotFound",
    "ConnectorUnavailable",
    "NoVehicle",
    "CardRejected",
    "InvalidInput",
    "BackendUnavailable",
    "RateLimited",
]


def test_protocol_names_every_operation() -> None:
    members = dict(inspect.getmembers(provider.ChargingProvider))
    missing = [op for op in OPERATIONS if op not in members]
    assert not missing, missing
    assert "capabilities" in provider.ChargingProvider.__annotations__


def _providers() -> list[object]:
    inner = BeEnergisedProvider("http://127.0.0.1:9")
    return [inner, CachingProvider(inner, OfflineCache(":memory:"))]


@pytest.mark.parametrize("which", [0, 1], ids=["beenergised", "caching"])
def test_providers_implement_every_operation(which: int) -> None:
    p = _providers()[which]
    name = type(p).__name__
    for op in OPERATIONS:
        fn = getattr(p, op, None)
        assert fn is not None, f"{name}.{op} missing"
        if op == "watch_status":  # an async iterator, used as ``async for ... in``
            assert inspect.isasyncgenfunction(fn), f"{name}.watch_status is no async generator"
        else:
            assert inspect.iscoroutinefunction(fn), f"{name}.{op} is not async"
    ours = inspect.signature(p.start_charging).parameters  # type: ignore[attr-defined]
    proto = inspect.signature(provider.ChargingProvider.start_charging).parameters
    assert set(proto) - {"self"} <= set(ours), set(proto) - set(ours)


def test_be_energised_provider_is_a_charging_provider() -> None:
    p = BeEnergisedProvider("http://127.0.0.1:9")
    assert isinstance(p, provider.ChargingProvider)
    assert isinstance(p, provider.BaseProvider)
    assert provider.Capability.CHARGING in p.capabilities


@pytest.mark.parametrize("model", list(FIELDS), ids=lambda m: m.__name__)
def test_models_carry_the_fields_the_screens_use(model: type) -> None:
    missing = set(FIELDS[model].split()) - set(model.model_fields)
    assert not missing, missing


def test_typed_errors_have_codes_and_driver_messages() -> None:
    codes = set()
    for name in ERRORS:
        cls = getattr(provider, name)
        assert issubclass(cls, provider.ProviderError)
        err = cls()
        assert err.code not in codes, f"{name} reuses {err.code}"
        codes.add(err.code)
        assert err.message and err.message != provider.ProviderError.default_message, name
    assert issubclass(provider.SessionExpired, provider.NotAuthenticated)
