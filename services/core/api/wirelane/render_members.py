"""Members, their payment methods and subscriptions on the wire. The document collapses the
nested objects (``account``, the payment method, ``current_period``,
``upcoming_subscription``), so their fields are this core's reading (README)."""

from __future__ import annotations

import re
from typing import Any

from services.core.api.wirelane import vocabulary as words


def _country(code: str | None) -> str | None:
    return words.alpha2(code) if code and len(code) == 3 else code


def member(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["uuid"],
        "account": {
            "id": row["uuid"],
            "email": row["email"],
            "first_name": row.get("first_name"),
            "last_name": row.get("last_name"),
            "language": row.get("language"),
            "country": _country(row.get("country")),
            "role": "admin" if row.get("admin") else "member",
            "creation_date": words.timestamp(row.get("created_at")),
        },
        "email": row["email"],
        "status": row["state"],
    }


def payment_method(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["uuid"],
        "type": str(row["network"]).lower(),
        "label": row["display_label"],
        "holder": row.get("holder"),
        "expiry_month": row.get("expiry_month"),
        "expiry_year": row.get("expiry_year"),
        "status": str(row["status"]).lower(),
        "creation_date": words.timestamp(row.get("created_at")),
    }


def plan_key(contract: dict[str, Any]) -> str:
    """``Voltra Plus`` -> ``VOLTRA-PLUS`` (the document's example: WIRELANE-ABO-ANNUEL-3)."""
    name = contract.get("rate_name") or contract.get("kind") or "CONTRACT"
    return re.sub(r"[^A-Z0-9]+", "-", str(name).upper()).strip("-")


def subscription(member_row: dict[str, Any], contract: dict[str, Any],
                 period: tuple[str, str]) -> dict[str, Any]:  # fmt: skip
    return {
        "id": contract["uuid"],
        "upcoming_subscription": None,
        "current_period": {"begin": words.timestamp(period[0]),
                           "end": words.timestamp(period[1]),
                           "monthly_fee": contract.get("monthly_fee")},
        "plan_key": plan_key(contract),
        "begin": words.timestamp(contract["created_at"]),
        "end": None,
        "account_id": member_row["uuid"],
    }
