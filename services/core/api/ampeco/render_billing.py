"""Invoices (v1.0), receipts (v2.0), transactions (v1.0) and CDRs (v2.0) as the document
shows them.

Readings: an invoice's ``number`` is the one its PDF prints (``downloadUrl``, a signed link
to the core's hosted document), as a receipt's ``receiptNo`` is (``receipt_download``); an
invoice's ``totalEnergy`` is in kWh like a receipt's ``totalKwh``; ``service`` is the
charging it bills, one ``quantity`` per session. A finished session's receipt, payment
transaction and CDR carry the session's number as their id; payments are settled when the
session is billed (``paid``, ``finalized``). CDRs are issued by this core as the CPO
(``isLocal``, ``protocolType: OCPI``, ``platformId`` 0: no roaming platform), costs
excluding VAT as OCPI says.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.core.api.ampeco.render_sessions import energy_wh
from services.core.api.ampeco.respond import timestamp


def _money(value: float | None) -> float:
    return round(float(value or 0.0), 2)


def receipt_no(session_id: int) -> str:
    return f"R-{session_id:08d}"


def invoice(doc: dict[str, Any], operator_id: int) -> dict[str, Any]:
    rates = doc["tax_rates"] or [0.0]
    count = max(1, doc["sessions"])
    return {
        "id": int(doc["id"]),
        "operatorId": operator_id,
        "type": "invoice",
        "number": doc["uuid"],
        "date": timestamp(doc["document_date"]),
        "userId": int(doc["user_id"]),
        "periodFrom": timestamp(doc["period"][0]),
        "periodTo": timestamp(doc["period"][1]),
        "totalEnergy": doc["energy_kwh"],
        "totalAmount": _money(doc["total"]),
        "taxRate": round(max(rates)),
        "taxAmount": _money(doc["tax"]),
        "service": "EV charging",
        "quantity": doc["sessions"],
        "unitPrice": round(_money(doc["net"]) / count, 2),
        "subtotal": _money(doc["net"]),
        "downloadUrl": doc["link"],
        "paymentStatus": "paid",
        "lastUpdatedAt": timestamp(doc["created_at"]),
    }


def _cost(row: dict[str, Any]) -> dict[str, Any]:
    return row["live"].get("cost") or {}


def receipt(row: dict[str, Any], operator_id: int, download_url: str | None = None
            ) -> dict[str, Any]:  # fmt: skip
    cost = _cost(row)
    out = {
        "id": int(row["id"]),
        "operatorId": operator_id,
        "receiptNo": receipt_no(int(row["id"])),
        "issuedOn": datetime.fromisoformat(
            timestamp(row["date_end"] or row["created_at"])).date().isoformat(),
        "userId": row["user_id"],
        "totalKwh": round(energy_wh(row) / 1000, 3),
        "periodStart": timestamp(row["date_start"]),
        "periodEnd": timestamp(row["date_end"]),
        "totalAmount": _money(cost.get("total")),
        "paymentStatus": "paid",
    }
    if cost.get("tax_rate") is not None:
        out["tax"] = {"taxPercentage": cost["tax_rate"]}
    if download_url is not None:
        out["downloadUrl"] = download_url
    return out


def transaction(row: dict[str, Any], operator_id: int) -> dict[str, Any]:
    cost = _cost(row)
    invoice_ref = row.get("invoice")
    return {
        "id": int(row["id"]),
        "operatorId": operator_id,
        "number": receipt_no(int(row["id"])),
        "date": timestamp(row["date_end"] or row["created_at"]),
        "userId": row["user_id"],
        "sessionId": int(row["id"]),
        "paymentMethod": None,
        "paymentMethodId": None,
        "purchaseResourceType": "session",
        "purchaseResourceId": int(row["id"]),
        "totalAmount": _money(cost.get("total")),
        "currency": cost.get("currency") or "EUR",
        "status": "finalized",
        "ref": row["uuid"],
        "failureReason": None,
        "invoiceId": invoice_ref["id"] if invoice_ref else None,
        "invoiceNo": invoice_ref["uuid"] if invoice_ref else None,
        "receiptId": int(row["id"]),
        "billingType": "internal",
        "lastUpdatedAt": timestamp(row.get("updated_at") or row["created_at"]),
        "finalizedAt": timestamp(row["date_end"]),
    }


def cdr(row: dict[str, Any], operator_id: int) -> dict[str, Any]:
    cost = _cost(row)
    started, ended = row["date_start"] or row["created_at"], row["date_end"] or row["created_at"]
    hours = max(0.0, (datetime.fromisoformat(timestamp(ended))
                      - datetime.fromisoformat(timestamp(started))).total_seconds() / 3600)
    gross, tax = _money(cost.get("total")), _money(cost.get("tax_amount"))
    return {
        "id": int(row["id"]),
        "operatorId": operator_id,
        "platformId": 0,
        "protocolType": "OCPI",
        "sessionId": str(row["id"]),
        "receivedAt": timestamp(ended),
        "startTime": timestamp(started),
        "endTime": timestamp(ended),
        "ocpiData": {
            "version": "2.2",
            "authMethod": "COMMAND" if row["remote"] else "WHITELIST",
            "authorizationReference": str(row["id"]),
            "currency": cost.get("currency") or "EUR",
            "totalCost": round(gross - tax, 2),
            "totalEnergy": round(energy_wh(row) / 1000, 3),
            "totalTime": round(hours, 4),
        },
        "roamingId": row["uuid"],
        "credit": False,
        "isLocal": True,
        "lastUpdatedAt": timestamp(row.get("updated_at") or row["created_at"]),
    }
