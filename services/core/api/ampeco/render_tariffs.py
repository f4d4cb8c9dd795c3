"""Tariffs, tariff groups, snapshots, taxes and currencies as AMPECO shows them.

Prices are the core's gross prices (VAT included, as drivers pay them), with ``taxID``
naming the VAT they include. A tariff group is one tariff (same id): the core prices each
connector by one tariff, and an EVSE's ``tariffGroupId`` is that tariff's id. A tax is one
VAT rate, numbered by its percentage in hundredths (19 % -> 1900); a currency by its ISO 4217
numeric code (EUR -> 978).
"""

from __future__ import annotations

from typing import Any

from services.core.api.ampeco.respond import timestamp
from services.core.domain.currencies import Currency
from services.core.domain.tariffs import tariff_from

# The core keeps no change time for tariffs, taxes and currencies; fields the document
# requires get the start of the epoch.
UNKNOWN_TIME = "1970-01-01T00:00:00+00:00"


def tax_id(rate: float) -> int:
    return round(float(rate) * 100)


def tariff(row: dict[str, Any], operator_id: int) -> dict[str, Any]:
    t = tariff_from(row)
    priced = not t.is_free
    out: dict[str, Any] = {
        "id": row["id"],
        "operatorId": operator_id,
        "name": t.name,
        "type": "duration+energy" if priced else "free",
        "description": None,
        "currency": t.currency,
        "pricing": {
            "pricePerKwh": t.per_kwh,
            "connectionFee": t.start_fee,
            "pricePeriodInMinutes": 1,
            "pricePerPeriod": t.per_minute,
            "idleFeePerMinute": t.parking_per_minute,
            "idleFeeGracePeriodMinutes": t.parking_grace_minutes,
            # the grace period runs from the end of charging
            "idleFeeGracePeriodMode": "idle_detection",
            "taxID": tax_id(t.tax_rate),
            "lockPriceOnSessionStart": True,
        },
        "stopSession": {"timeLimitMinutes": None, "stopWhenEnergyExceedsKwh": None,
                        "stopWhenSocExceedsPercent": None},
        "lastUpdatedAt": UNKNOWN_TIME,
    }
    return out


def snapshot(row: dict[str, Any], operator_id: int) -> dict[str, Any]:
    """The prices a session started with; its id is the session's."""
    out = tariff(row, operator_id)
    out["id"] = row["id"]
    out["tariffId"] = row.get("tariff_id") or 0
    out["lastUpdatedAt"] = timestamp(row.get("started_at")) or UNKNOWN_TIME
    return out


def tariff_group(row: dict[str, Any], operator_id: int) -> dict[str, Any]:
    return {"id": row["id"], "operatorId": operator_id, "name": row["name"],
            "tariffIds": [row["id"]], "partnerId": None, "lastUpdatedAt": UNKNOWN_TIME}


def tax(rate: float) -> dict[str, Any]:
    return {"id": tax_id(rate), "name": f"VAT {rate:g}%",
            "displayName": [{"locale": "en", "translation": f"VAT {rate:g}%"}],
            "percentage": rate, "taxIdentificationNumberId": None,
            "lastUpdatedAt": UNKNOWN_TIME}


def currency(c: Currency) -> dict[str, Any]:
    return {"id": c.numeric, "name": f"{c.code} ({c.name})", "alphabeticCode": c.code,
            "numericCode": f"{c.numeric:03d}",
            "prefix": c.symbol if c.symbol_first else None,
            "suffix": None if c.symbol_first else c.symbol,
            "decimal": c.decimals, "unitPriceAndCalculationsDecimal": 5,
            "enableUseOfMinorCurrencyUnit": False, "minorUnitSign": None}
