"""Every query parameter the document lists is served: each operation answers a request
carrying all of them at once with plausible values, and the list here is checked against
the document, so a parameter the document adds cannot go unnoticed."""

from __future__ import annotations

import pytest

from tests.clients.wirelane import Wirelane
from tests.contract.wirelane import document

PAGING = {"order_direction": "desc", "page": "1", "page_size": "20"}
ALL_PARAMETERS = {
    "Get members of an organization": ("/members", {
        "member_status": "active", "order_by": "email", "search": "example.com", **PAGING}),
    "Get organization charge points": ("/points", {
        "auth_type": "card", "charging_station_id": "any-station", "charging_type": "AC",
        "distance": "5000", "evseid": "DE*VOL*E1*1", "infrastructure_only": "0",
        "lat": "52.52", "lon": "13.405", "max_power": "11", "north_east_lat": "52.6",
        "north_east_lon": "13.5", "not_in_point_groups": "none", "order_by": "distance",
        "owner_id": "VOL", "plug_types": "TYPE_2", "point_groups": "", "reservable": "0",
        "search": "Berlin", "sort_lat": "52.5", "sort_lon": "13.4", "south_west_lat": "52.4",
        "south_west_lon": "13.3", "status": "FREE", **PAGING}),
    "Get charging sessions of the organization": ("/sessions", {
        "charge_point_id": "x-1", "charging_point_id": "1", "date_picker_since":
        "2026-01-01T00:00:00+0000", "date_picker_until": "2027-01-01T00:00:00Z",
        "order_by": "sessionBegin", "organization_type": "emp", "owner_id": "VOL",
        "search": "DE", "status": "closed", **PAGING}),
}


@pytest.mark.parametrize("operation", list(ALL_PARAMETERS))
def test_every_documented_query_parameter_is_accepted(wl: Wirelane, admin: str,
                                                      operation: str) -> None:
    path, params = ALL_PARAMETERS[operation]
    assert sorted(params) == sorted(document.query_parameters(operation))
    r = wl.get(path, admin, params)
    assert r.status_code == 200, r.text
    assert isinstance(r.json(), list)


@pytest.mark.parametrize("operation", list(ALL_PARAMETERS))
def test_every_documented_query_parameter_is_checked(wl: Wirelane, admin: str,
                                                     operation: str) -> None:
    """A value no parameter can take is refused naming that parameter (free text and id
    lists excepted: any text is a search or an id that matches nothing)."""
    path, params = ALL_PARAMETERS[operation]
    free = {"search", "charging_station_id", "evseid", "owner_id", "point_groups",
            "not_in_point_groups", "charge_point_id"}
    for name in params:
        if name in free:
            continue
        r = wl.get(path, admin, {name: "%%bad value%%"})
        assert r.status_code in (400, 422), (name, r.text)
        assert r.json()["parameter"] == name
