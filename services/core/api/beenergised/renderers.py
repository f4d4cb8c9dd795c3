"""The core's domain values as be.ENERGISED wire objects (the dicts the resolvers return).

Readings of the document: the core bills in the station's own currency, so every
``...LocalCurrency`` amount equals the plain one; ``Cost.grossAmount`` is the total the driver
pays, deprecated ``Cost.taxAmount`` the tax in it and deprecated ``Cost.tax`` the tax rate (%).
"""

from __future__ import annotations

from typing import Any

from services.core.domain.cards import CARD_TYPES
from services.core.domain.documents import DOC_TYPES


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


def contact(c: dict[str, Any]) -> dict[str, Any]:
    """``accounts.contact_dict`` as ``Contact``."""
    return {
        "id": c["uuid"],
        "isCompany": c["is_company"],
        "firstName": c["first_name"],
        "name": c["last_name"],
        "displayName": c["display_name"],
        "address": c["address"],
        "vat": c["vat"],
        "phone": c["phone"],
        "mobile": c["mobile"],
        "email": c["email"],
        "language": c["language"],
        "gender": c["gender"],
        "birthday": c["birthday"],
        "companyId": c["company_id"],
        "createdAt": c["created_at"],
        "updatedAt": c["updated_at"],
        "termsAndConditionsAccepted": c["terms_accepted"],
    }


def rate_option(row: Any) -> dict[str, Any] | None:
    """A rate_options row (or a card row joined with rate_* columns) as ``RateOption``."""
    if row is None:
        return None
    keys = row.keys()
    if "rate_uuid" in keys:
        if row["rate_uuid"] is None:
            return None
        uuid, name, description = row["rate_uuid"], row["rate_name"], row["rate_description"]
    else:
        uuid, name, description = row["uuid"], row["name"], row["description"]
    short = (description or name or "").split(". ")[0] or None
    # RateOption.id is String! and RateOption.uuid is deprecated: both carry the uuid.
    return {"id": uuid, "uuid": uuid, "name": name, "description": description,
            "shortDescription": short}


def card(row: Any) -> dict[str, Any]:
    """A card (as ``domain.cards`` returns it) as ``Card`` (status lower case, as
    CardStatus spells it)."""
    return {
        "id": row["uuid"],
        "tagId": row["tag_id"],
        "number": row["number"],
        "label": row["label"],
        "expiryDate": row["expiry_date"],
        "status": "active" if str(row["status"]).upper() == "ACTIVE" else "inactive",
        "type": row["card_type"] if row["card_type"] in CARD_TYPES else "default",
        "rate": rate_option(row),
    }


def usable_card(u: dict[str, Any]) -> dict[str, Any]:
    """One of ``cards.cards_for_connector``: the card, its rate described by the price
    that applies on that connector."""
    out = card(u["card"])
    out["rate"] = {"shortDescription": u["rate_name"], "description": u["price_text"]}
    return out


def document(row: Any, download_link: str) -> dict[str, Any]:
    return {
        "id": row["uuid"],
        "type": row["doc_type"] if row["doc_type"] in DOC_TYPES else "invoice",
        "title": row["title"],
        "documentDate": row["document_date"],
        "downloadLink": download_link,
    }


def favourites(uuids: list[str], favoured: bool) -> list[dict[str, Any]]:
    return [{"id": uuid, "isFavoured": favoured} for uuid in uuids]


def contract_option(o: dict[str, Any]) -> dict[str, Any]:
    """One of ``contracts.contract_options`` as ``ContractPaymentMethod``."""
    return {
        "uuid": o["uuid"],
        "applicationId": o["application"],
        "paymentType": o["payment_type"],
        "paymentName": o["name"],
        "directPaymentMethod": o["direct_payment_method"],
        "cardCreateMode": o["card_create_mode"],
        "emp": o["emp"],
        "termsOfServiceUrl": o["terms_url"],
        "termsOfUseUrl": o["terms_url"],
        "createdAt": o["since"],
        "updatedAt": o["since"],
    }


def filter_catalogue(catalogue: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``parsers.CONNECTOR_FILTERS`` as the ``filters`` query answers it."""
    return [
        {"slug": f["slug"], "label": f["label"], "type": f["type"],
         "options": [{k: o[k] for k in ("slug", "label", "icon", "default")}
                     for o in f["options"]]}
        for f in catalogue
    ]
