"""Users (v1.1), their payment methods and invoice details as the document shows them.

Readings: ``id`` is the user's number as a string (the document types it so, while every
``userId`` elsewhere is that number as an integer); ``locale`` is what the operator set,
else the user's language; ``emailVerified`` (a time) is null: the core keeps whether, not
when. Invoice details use the document's first (generic) form; ``invoiceType`` is
``individual`` until set (the document marks it nullable, but its enum has no null).
Nullable fields whose enum lacks null are left out rather than null.
"""

from __future__ import annotations

import re
from typing import Any

from services.core.api.ampeco.respond import timestamp
from services.core.domain.accounts import short_language
from services.core.services.member_users import profile_of

_ISSUERS = {"VISA": "visa", "MASTERCARD": "mastercard", "MAESTRO": "maestro", "AMEX": "amex",
            "AMERICAN_EXPRESS": "amex", "PAYPAL": "paypal"}  # fmt: skip


def user(row: dict[str, Any], operator_id: int, include: frozenset[str] = frozenset()
         ) -> dict[str, Any]:  # fmt: skip
    profile = profile_of(row)
    out: dict[str, Any] = {
        "id": str(row["id"]),
        "operatorId": operator_id,
        "email": row["email"],
        "emailVerified": None,
        "requirePasswordReset": False,
        "firstName": row["first_name"],
        "middleName": None,
        "lastName": row["last_name"],
        "phone": row["phone"],
        "country": row["country"],
        "state": row["state"],
        "city": row["city"],
        "postCode": row["zip"],
        "address": row["street"],
        "vehicleNo": None,
        "companyName": None,
        "locale": profile.get("locale") or short_language(row["language"]),
        "status": "enabled" if row["active"] else "disabled",
        "userGroupIds": [],
        "externalId": profile.get("external_id"),
        "subscriptionId": None,
        "lastUpdatedAt": timestamp(row["updated_at"] or row["created_at"]),
        "createdAt": timestamp(row["created_at"]),
        "lastActivityAt": None,
    }
    if "partnerInvites" in include:
        out["partnerInvites"] = []
    if "externalAppData" in include:
        out["externalAppData"] = None
    if "invoiceDetails" in include:
        out["invoiceDetails"] = invoice_details(profile.get("invoice_details"))
    return out


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def stored_details(given: dict[str, Any]) -> dict[str, Any]:
    """Invoice details as the core keeps them: the domain's snake_case names."""
    return {_snake(k): v for k, v in given.items()}


def invoice_details(kept: dict[str, Any] | None) -> dict[str, Any]:
    kept = kept or {}
    camel = {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): v for k, v in kept.items()}
    stored = {**camel, "updated_at": kept.get("updated_at")}
    keys = ("individualName", "individualPersonalId", "individualTaxId", "companyName",
            "companyRegNo", "companyTaxId", "companyTaxAdministrationOfficeName", "country",
            "region", "city", "postCode", "address")  # fmt: skip
    out: dict[str, Any] = {
        "requireInvoice": bool(stored.get("requireInvoice", False)),
        "requireInvoiceLastUpdatedAt": timestamp(stored.get("updated_at")),
        "originalRequestValue": stored.get("requireInvoice"),
        "invoiceType": stored.get("invoiceType") or "individual",
        **{k: stored.get(k) for k in keys if k != "country"},
    }
    if stored.get("country") is not None:
        out["country"] = stored["country"]
    if stored.get("requireInvoice"):
        out["requireInvoiceEnforcedBy"] = "user_request"
    if stored.get("state") is not None:
        out["state"] = stored["state"]
    if stored.get("updated_at"):
        out["lastUpdatedAt"] = timestamp(stored["updated_at"])
    return out


def payment_method(row: dict[str, Any], default: bool) -> dict[str, Any]:
    added = timestamp(row["created_at"])
    return {
        "id": row["uuid"],
        "userId": int(row["user_id"]),
        "type": "tokenized",
        "tokenizedType": "card",
        "issuer": _ISSUERS.get(str(row["network"]).upper(), "unknown"),
        "name": row["display_label"],
        "default": default,
        "expireYear": row["expiry_year"],
        "expireMonth": row["expiry_month"],
        "lastUpdatedAt": added,
        "addedAt": added,
        "removedAt": None,
    }
