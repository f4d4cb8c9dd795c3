"""The paths and query parameters of the Wirelane operations this provider calls.

Paths: the document gives one concrete URL, ``/apis/emc/organizations/id/{organizationId}/points``;
the others follow it in the same style (``…/points/{pointTypeId}/{pointId}``, ``…/members``,
``…/members/{accountId}/payments`` and ``/subscriptions``, ``…/sessions``,
``…/sessions/{sessionId}``).

Readings where the document is ambiguous:
- array parameters are sent as repeated keys (``plug_types=TYPE_2&plug_types=CCS``), OpenAPI's
  default for query arrays (style ``form``, explode ``true``);
- numbers go as plain decimal text, matching the documented string patterns (no exponents);
- ``distance`` is sent in whole metres, as documented;
- ``date_picker_since``/``until`` take ISO 8601 date-times in UTC, in the form the document's
  own timestamps use (``2017-10-15T14:44:40+0000``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from services import models as m

API_PREFIX = "/apis/emc/organizations/id"
# How many items one page asks for. The document allows up to 1,000,000; a server may cap it,
# and the answer is a bare array, so a short page is how the end shows.
PAGE_SIZE = 100

# Neutral plug -> the document's plug_types enum; a Type 2 socket and a Type 2 cable both
# serve a Type 2 driver.
PLUG_TYPES: dict[m.PlugType, tuple[str, ...]] = {
    m.PlugType.TYPE2: ("TYPE_2", "TYPE_2_ATCH"),
    m.PlugType.CCS: ("CCS",),
    m.PlugType.CHADEMO: ("CHADEMO",),
    m.PlugType.SCHUKO: ("SCHUKO",),
    m.PlugType.OTHER: ("TYPE_1", "TYPE_1_ATCH", "TYPE_3", "TYPE_3_ATCH", "UNKNOWN"),
}


def _segment(value: str) -> str:
    return quote(value, safe="")


def organisation_path(organisation_id: str) -> str:
    return f"{API_PREFIX}/{_segment(organisation_id)}"


def points_path(organisation_id: str) -> str:
    return organisation_path(organisation_id) + "/points"


def point_path(organisation_id: str, point_id: str, point_type: str = "id") -> str:
    """``point_type`` names the field ``point_id`` refers to: id, charging_point_id,
    evseid or charge_point_id."""
    return f"{points_path(organisation_id)}/{_segment(point_type)}/{_segment(point_id)}"


def members_path(organisation_id: str) -> str:
    return organisation_path(organisation_id) + "/members"


def member_path(organisation_id: str, account_id: str) -> str:
    return f"{members_path(organisation_id)}/{_segment(account_id)}"


def sessions_path(organisation_id: str) -> str:
    return organisation_path(organisation_id) + "/sessions"


def session_path(organisation_id: str, session_id: str) -> str:
    return f"{sessions_path(organisation_id)}/{_segment(session_id)}"


def number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


Params = list[tuple[str, str]]


def paging(page: int, page_size: int = PAGE_SIZE) -> Params:
    return [("page", str(page)), ("page_size", str(page_size))]


def radius_params(centre: m.Coordinates, radius_km: float) -> Params:
    return [
        ("lat", number(centre.latitude)),
        ("lon", number(centre.longitude)),
        ("distance", str(max(1, round(radius_km * 1000)))),
        ("order_by", "distance"),
        ("order_direction", "asc"),
    ]


def box_params(box: m.BoundingBox) -> Params:
    centre = box.centre
    return [
        ("north_east_lat", number(box.north)),
        ("north_east_lon", number(box.east)),
        ("south_west_lat", number(box.south)),
        ("south_west_lon", number(box.west)),
        # nearest to the middle of the view first, so a page shows what the map centres on
        ("sort_lat", number(centre.latitude)),
        ("sort_lon", number(centre.longitude)),
        ("order_by", "distance"),
        ("order_direction", "asc"),
    ]


def filter_params(f: m.StationFilters, *, send_min_power: bool = False) -> Params:
    """The filters the points search expresses natively. ``available_only`` is status FREE
    ("if one point in the station hits the requested status the entire station is
    returned"). ``send_min_power``: whether ``max_power`` reads as a lower bound on the
    server in use; the device filters by power either way."""
    params: Params = []
    for plug in f.plug_types:
        params += [("plug_types", name) for name in PLUG_TYPES[plug]]
    if f.current_type is not None:
        params.append(("charging_type", f.current_type.value))
    if f.available_only:
        params.append(("status", "FREE"))
    if send_min_power and f.min_power_kw:
        params.append(("max_power", number(f.min_power_kw)))
    return params


def station_params(station_ids: list[str]) -> Params:
    return [("charging_station_id", sid) for sid in station_ids]


def session_params(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    search: str | None = None,
    charge_point_ids: list[str] | None = None,
    statuses: list[str] | None = None,
) -> Params:
    """Newest first, as a history reads."""
    params: Params = [("order_by", "sessionBegin"), ("order_direction", "desc")]
    if since is not None:
        params.append(("date_picker_since", timestamp(since)))
    if until is not None:
        params.append(("date_picker_until", timestamp(until)))
    if search:
        params.append(("search", search))
    params += [("charge_point_id", c) for c in charge_point_ids or ()]
    params += [("status", s) for s in statuses or ()]
    return params


def member_params(*, statuses: list[str] | None = None, search: str | None = None) -> Params:
    params: Params = [("order_by", "email"), ("order_direction", "asc")]
    params += [("member_status", s) for s in statuses or ()]
    if search:
        params.append(("search", search))
    return params
