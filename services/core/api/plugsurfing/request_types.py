"""Which request types the core answers, and which partner role may send each."""

from __future__ import annotations

from services.core.api.plugsurfing import sign_in, stations
from services.core.api.plugsurfing.endpoint import RequestType

OEM, CPO = "oem", "cpo"

REQUEST_TYPES: dict[str, RequestType] = {
    "user-verify": RequestType(OEM, sign_in.user_verify),
    "user-register": RequestType(OEM, sign_in.user_register),
    "station-get-surface": RequestType(None, stations.station_get_surface),
    "station-get-by-ids": RequestType(None, stations.station_get_by_ids),
    "station-get-usage": RequestType(None, stations.station_get_usage),
    "company-get-images": RequestType(None, stations.company_get_images),
}
