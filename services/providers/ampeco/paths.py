"""The AMPECO Public API paths Voltra uses (below ``/public-api``) and their query params."""

from __future__ import annotations

from datetime import datetime

LOCATIONS = "/resources/locations/v2.0"
CHARGE_POINTS = "/resources/charge-points/v2.0"
EVSES = "/resources/evses/v2.1"
USERS = "/resources/users/v1.1"
ID_TAGS = "/resources/id-tags/v2.0"
SESSIONS = "/resources/sessions/v1.0"
RESERVATIONS = "/resources/reservations/v1.0"
RECEIPTS = "/resources/receipts/v2.0"
INVOICES = "/resources/invoices/v1.0"
TARIFFS = "/resources/tariffs/v1.0"
TARIFF_GROUPS = "/resources/tariff-groups/v1.0"


def location(location_id: str) -> str:
    return f"{LOCATIONS}/{location_id}"


def evse(evse_id: str) -> str:
    return f"{EVSES}/{evse_id}"


def charge_point_evses(charge_point_id: int) -> str:
    return f"{CHARGE_POINTS}/{charge_point_id}/evses"


def id_tag(tag_id: str) -> str:
    return f"{ID_TAGS}/{tag_id}"


def session(session_id: str) -> str:
    return f"{SESSIONS}/{session_id}"


def consumption_stats(session_id: str) -> str:
    return f"{SESSIONS}/{session_id}/consumption-stats"


def reservation(reservation_id: str) -> str:
    return f"{RESERVATIONS}/{reservation_id}"


def start(evse_id: str) -> str:
    return f"/actions/evse/v1.0/{evse_id}/start"


def stop(charge_point_id: int, session_id: str) -> str:
    return f"/actions/charge-point/v1.0/{charge_point_id}/stop/{session_id}"


# The charge point actions name the EVSE by its networkId (its number on the charge point)


def reserve(charge_point_id: int, network_id: str) -> str:
    return f"/actions/charge-point/v1.0/{charge_point_id}/reserve/{network_id}"


def cancel_reservation(reservation_id: str) -> str:
    return f"/actions/reservation/v1.0/{reservation_id}/cancel"


def unlock(charge_point_id: int, network_id: str) -> str:
    return f"/actions/charge-point/v1.0/{charge_point_id}/unlock/{network_id}"


def filters(**values: str | int | None) -> list[tuple[str, str]]:
    """``filter[name]=value`` for each value given."""
    return [(f"filter[{k}]", str(v)) for k, v in values.items() if v is not None]


def instant(at: datetime | None) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at is not None else None


EVSE_INCLUDE = [("include[]", "connectors")]
