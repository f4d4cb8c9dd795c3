"""AMPECO answers shaped as the document's schemas, with its own example values where it
gives them; each is checked against the document before an adapter test reads it."""

from __future__ import annotations

LOCATION = {
    "id": 7,
    "operatorId": 1,
    "name": [{"locale": "de", "translation": "Parkhaus Mitte"},
             {"locale": "en", "translation": "Central car park"}],
    "status": "enabled",
    "geoposition": {"latitude": 52.52, "longitude": 13.405},
    "address": [{"locale": "en", "translation": "Alexanderplatz 1, Berlin"}],
    "streetAddress": [{"locale": "en", "translation": "Alexanderplatz 1"}],
    "city": "Berlin",
    "postCode": "10178",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "workingHours": {
        "isAlwaysOpen": False,
        "hours": {"monday": [{"start": "01:00", "end": "09:00"}], "sunday": []},
    },
    "images": [{"original": "https://example.com/a.jpg", "mimeType": "image/jpeg"}],
    "roamingOperatorId": 0,
    "isRoaming": False,
}

CHARGE_POINT = {
    "id": 11,
    "operatorId": 1,
    "name": "CP 11",
    "type": "public",
    "locationId": 7,
    "status": "enabled",
    "network": {"id": "CP11", "protocol": "ocpp 1.6"},
    "security": {"currentProfile": 1},
    "autoStartWithoutAuthorization": False,
    "disableAutoStartEmulation": False,
    "monitoringEnabled": True,
    "autoRecoveryEnabled": False,
    "enableAutoFaultRecovery": False,
    "communicationMode": "direct_ocpp",
    "lastUpdatedAt": "2024-01-01T00:00:00Z",
    "capabilities": ["remote_start_stop_capable", "meter_values"],
    "networkStatus": "available",
    "hardwareStatus": "available",
}


def evse(evse_id: int, hardware_status: str | None, *, current: str = "ac",
         plug: str = "type2", power: int | None = 22000, status: str = "enabled") -> dict:
    return {
        "chargePointId": 11,
        "id": evse_id,
        "operatorId": 1,
        "physicalReference": f"DE*VOL*E{evse_id}",
        "emi3Id": f"BE*FOO*E{evse_id}",
        "label": f"EVSE {evse_id}",
        "currentType": current,
        "networkId": str(evse_id),
        "status": status,
        "allowsReservation": True,
        "powerOptions": {"maxPower": power},
        "roamingOperatorId": 0,
        "roaming": {"evseId": None, "tariffIds": [], "capabilities": [],
                    "physicalReference": None, "status": "unknown"},
        "hardwareStatus": hardware_status,
        "connectors": [{"id": 1, "type": plug, "format": "socket", "status": "enabled"}],
        "createdAt": "2024-01-01T00:00:00Z",
        "lastUpdatedAt": "2024-01-01T00:00:00Z",
    }


def session(status: str, **extra) -> dict:
    return {
        "id": "301",
        "operatorId": 1,
        "chargePointId": 11,
        "evseId": 21,
        "connectorId": 1,
        "status": status,
        "userId": 5,
        "startedAt": "2025-03-01T10:00:00Z",
        "stoppedAt": None,
        "energy": 12345,
        "socPercent": 64,
        "authorizationId": 9,
        "idTag": "04A1B2C3",
        "energyConsumption": {"total": 12345, "grid": 12345},
        "billingStatus": None,
        "currency": "EUR",
        "power": {"latest": 11000, "peak": 11000, "average": 10500},
        **extra,
    }


CONSUMPTION = [
    {"energy": 0, "power": 0, "timestamp": "2025-03-01T10:00:00Z"},
    {"energy": 12345, "power": 11000, "timestamp": "2025-03-01T11:00:00Z"},
]

ID_TAG = {
    "id": 41,
    "idTagUid": "123456",
    "idLabel": "My card",
    "expireAt": None,
    "createdAt": "2025-01-01T00:00:00Z",
    "status": "enabled",
    "type": "rfid",
    "userId": 5,
    "partnerId": None,
}

USER = {
    "id": "5",
    "operatorId": 1,
    "email": "driver@example.com",
    "firstName": "Dana",
    "lastName": "Driver",
    "locale": "en-GB",
    "status": "enabled",
}

RESERVATION = {
    "id": 3,
    "operatorId": 1,
    "chargePointId": 11,
    "evseId": 21,
    "status": "active",
    "userId": 5,
    "reservedAt": "2025-03-01T10:00:00Z",
    "canceledAt": None,
    "duration": 15,
}

RECEIPT = {
    "id": 8,
    "operatorId": 1,
    "receiptNo": "R-0008",
    "issuedOn": "2025-03-02",
    "userId": 5,
    "totalAmount": 6.5,
    "downloadUrl": "https://example.com/r8.pdf",
}

INVOICE = {
    "id": 9,
    "operatorId": 1,
    "type": "invoice",
    "number": "INV-9",
    "date": "2025-03-31T00:00:00Z",
    "userId": 5,
    "totalAmount": 19.9,
    "taxRate": 19,
    "taxAmount": 3.18,
    "service": "Charging",
    "quantity": 1,
    "unitPrice": 19.9,
    "subtotal": 16.72,
    "downloadUrl": "https://example.com/i9.pdf",
}

START_REFUSED = {"success": False, "sessionId": None, "authorizationId": None,
                 "message": "Your account is disabled", "errorCode": "USER_IS_DISABLED"}
