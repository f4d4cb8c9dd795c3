"""The core's domain values as be.ENERGISED wire objects (the dicts the resolvers return).

Readings of the document: the core bills in the station's own currency, so every
``...LocalCurrency`` amount equals the plain one; ``Cost.grossAmount`` is the total the driver
pays, deprecated ``Cost.taxAmount`` the tax in it and deprecated ``Cost.tax`` the tax rate (%).
"""

from __future__ import annotations

from typing import Any


def cost_item(item: dict[str, Any]) -> dict[str, Any]:
    """A cost line (``CostItem.as_row()`` or a ``session_cost_items`` row) as ``CdrCostItem``."""
    return {
        "netAmount": item["net_amount"],
        "netAmountLocalCurrency": item["net_amount"],
        "grossAmount": item["gross_amount"],
        "grossAmountLocalCurrency": item["gross_amount"],
        "taxAmount": item["tax_amount"],
        "taxAmountLocalCurrency": item["tax_amount"],
        "taxRate": item["tax_rate"],
        "description": item["description"],
    }


def cost(c: dict[str, Any] | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "costItems": [cost_item(i) for i in c["items"]],
        "total": c["total"],
        "currency": c["currency"],
        "tax": c["tax_rate"],
        "taxAmount": c["tax_amount"],
        "grossAmount": c["total"],
        "grossAmountLocalCurrency": c["total"],
    }


def chargelog(s: dict[str, Any]) -> dict[str, Any]:
    """``history.session_dict`` as ``Chargelog``; ``connector`` stays the connector id
    (the resolver replaces it with the connector object)."""
    return {
        "id": s["id"],
        "status": s["status"],
        "connector": s["connector"],
        "authId": s["auth_id"],
        "authType": s["auth_type"],
        "dateStart": s["date_start"],
        "dateEnd": s["date_end"],
        "meterStart": s["meter_start"],
        "meterEnd": s["meter_end"],
        "energyConsumption": s["energy_kwh"],
        "co2Saving": s["co2_kg"],
        "cost": cost(s["cost"]),
        "sessionId": s["transaction_id"],
        "rateName": s["rate_name"],
        # No calibration-law (Eichrecht) signed meter data in the core: nothing to link.
        "calibrationDetails": None,
    }


def statistics(s: dict[str, Any]) -> dict[str, Any]:
    return {"number": s["number"], "energyConsumption": s["energy_kwh"],
            "co2Saving": s["co2_kg"]}


def meter_summary(m: dict[str, Any]) -> dict[str, Any]:
    """``history.meter_summary`` as ``ChargelogMeterValuesSummary``."""
    return {
        "sumEnergy": m["energy_kwh"],
        "updatedAt": m["updated_at"],
        "energyLastValue": m["energy_last_kwh"],
        "energyLastValueTime": m["energy_last_at"],
        "energyUpdatedAt": m["energy_changed_at"],
        "energyFirstValue": m["energy_first_kwh"],
        "energyFirstValueTime": m["energy_first_at"],
        "stateOfChargeLastChanged": m["soc_changed_at"],
        "currentPowerLastChanged": m["power_changed_at"],
        "currentPower": m["power_w"],
        "currentStateOfCharge": m["soc"],
        "initialStateOfCharge": m["initial_soc"],
    }
