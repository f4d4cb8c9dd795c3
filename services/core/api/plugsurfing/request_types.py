"""Which request types the core answers, and which partner role may send each.

rfid-post is open to both roles: the document has the EMP send its UIDs to a CPO and the
OEM send them to the roaming platform; either way the core receives a whitelist. Station
lookups and the vehicle catalogue are public to every partner."""

from __future__ import annotations

from services.core.api.plugsurfing import (
    accounts,
    charging_keys,
    cpo,
    history,
    sessions,
    sign_in,
    stations,
)
from services.core.api.plugsurfing.endpoint import RequestType

OEM, CPO = "oem", "cpo"

REQUEST_TYPES: dict[str, RequestType] = {
    "user-verify": RequestType(OEM, sign_in.user_verify),
    "user-register": RequestType(OEM, sign_in.user_register),
    "user-get-details": RequestType(OEM, accounts.user_get_details),
    "user-post-details": RequestType(OEM, accounts.user_post_details),
    "user-logout": RequestType(OEM, accounts.user_logout),
    "user-reset": RequestType(OEM, accounts.user_reset),
    "user-change-password": RequestType(OEM, accounts.user_change_password),
    "user-add-creditcard": RequestType(OEM, accounts.user_add_creditcard),
    "user-add-payment": RequestType(OEM, accounts.user_add_payment),
    "user-add-rfid": RequestType(OEM, charging_keys.user_add_rfid),
    "user-block-rfid": RequestType(OEM, charging_keys.user_block_rfid),
    "user-unblock-rfid": RequestType(OEM, charging_keys.user_unblock_rfid),
    "user-get-charging-keys": RequestType(OEM, charging_keys.user_get_charging_keys),
    "user-charging-key-activate": RequestType(OEM, charging_keys.user_charging_key_activate),
    "user-get-recent-sessions": RequestType(OEM, history.user_get_recent_sessions),
    "user-get-recent-stations": RequestType(OEM, history.user_get_recent_stations),
    "user-get-bills": RequestType(OEM, history.user_get_bills),
    "session-start": RequestType(OEM, sessions.session_start),
    "session-stop": RequestType(OEM, sessions.session_stop),
    "station-get-surface": RequestType(None, stations.station_get_surface),
    "station-get-by-ids": RequestType(None, stations.station_get_by_ids),
    "station-get-usage": RequestType(None, stations.station_get_usage),
    "company-get-images": RequestType(None, stations.company_get_images),
    "vehicle-get-all": RequestType(None, history.vehicle_get_all),
    "station-post": RequestType(CPO, cpo.station_post),
    "connector-post-status": RequestType(CPO, cpo.connector_post_status),
    "session-post": RequestType(CPO, cpo.session_post),
    "rfid-verify": RequestType(CPO, cpo.rfid_verify),
    "rfid-post": RequestType(None, cpo.rfid_post),
}
