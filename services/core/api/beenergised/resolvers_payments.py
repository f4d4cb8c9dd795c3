"""paymentMethods, hasPaymentMedium, registerPaymentMethod, initDirectPaymentCharging,
directPaymentChargingStatus. The links point at the core's hosted payment page
(``services.core.api.hosted.payments``); flows and statuses: ``services.core.domain.payments``.

``OptileTransaction.link`` is the page's path (relative to the core), ``absoluteLink`` the
full URL, ``id`` the transaction id that ``directPaymentChargingStatus`` takes.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised.context import API, core
from services.core.api.beenergised.userdata import as_user
from services.core.domain import payments
from services.core.services import payments as payment_service

query = QueryType()
mutation = MutationType()


def _optile(tx: tuple[str, str], base: str) -> dict[str, Any]:
    tx_uuid, path = tx
    return {"link": path, "absoluteLink": base + path, "id": tx_uuid}


def _method(row: sqlite3.Row, index: int, operation: str) -> dict[str, Any]:
    return {
        "code": row["network"],
        "label": payments.NETWORK_LABELS.get(row["network"], row["network"]),
        "method": "CREDIT_CARD",
        "grouping": "CREDIT_CARD",
        "registration": "OPTIONAL",
        "recurrence": "OPTIONAL",
        "redirect": False,
        "links": {"self": None, "operation": operation, "logo": None, "lang": None},
        "button": None,
        "selected": index == 0,
        "iFrameHeight": None,
        "contractData": None,
        "operationType": "CHARGE",
        "deferral": "NON_DEFERRED",
        "maskedAccount": {
            "displayLabel": row["display_label"],
            "holderName": row["holder"] or "",
            "number": f"**** {row['display_label'][-4:]}",
            "expiryMonth": row["expiry_month"] or 0,
            "expiryYear": row["expiry_year"] or 0,
        },
    }


def _applicable(operation: str) -> list[dict[str, Any]]:
    return [
        {"code": code, "label": label, "method": "CREDIT_CARD", "grouping": "CREDIT_CARD",
         "registration": "OPTIONAL", "recurrence": "OPTIONAL", "redirect": True,
         "links": {"self": None, "operation": operation, "logo": None, "lang": None},
         "button": None, "selected": False, "iFrameHeight": None, "contractData": None,
         "operationType": "TOKENIZE", "deferral": "NON_DEFERRED", "maskedAccount": None}
        for code, label in payments.NETWORK_LABELS.items()
    ]


def _methods(found: dict[str, Any], base: str) -> dict[str, Any]:
    session_id, rows = found["session_id"], found["methods"]
    link = f"{base}/payments/methods/new?session={session_id}"
    return {
        "hostedSession": {"sessionId": session_id, "link": link},
        "nativeSession": {
            "sessionId": session_id,
            "registeredPaymentsMethods": [_method(r, i, link) for i, r in enumerate(rows)],
            "applicablePaymentMethods": _applicable(link),
        },
    }


def _base(info: GraphQLResolveInfo) -> str:
    return core(info).url("").rstrip("/")


@query.field("paymentMethods")
async def resolve_payment_methods(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    return _methods(await as_user(info, payment_service.methods), _base(info))


@query.field("hasPaymentMedium")
async def resolve_has_payment_medium(_obj: Any, info: GraphQLResolveInfo) -> bool:
    return await as_user(info, payments.has_payment_medium)


@mutation.field("registerPaymentMethod")
async def resolve_register(_obj: Any, info: GraphQLResolveInfo, rateId: str,
                           customerReference: str | None = None) -> dict[str, Any]:
    tx = await as_user(info, payment_service.register_method, rateId, customerReference)
    return _optile(tx, _base(info))


@mutation.field("initDirectPaymentCharging")
async def resolve_init_direct(_obj: Any, info: GraphQLResolveInfo, connectorId: str,
                              rateId: str, ratePackageId: str | None = None,
                              cardId: str | None = None) -> dict[str, Any]:
    tx = await as_user(info, payment_service.direct_charging, connectorId, rateId,
                       ratePackageId, cardId, api=API)
    return _optile(tx, _base(info))


@query.field("directPaymentChargingStatus")
async def resolve_direct_status(_obj: Any, info: GraphQLResolveInfo, evseId: str,
                                transactionId: str) -> dict[str, Any]:
    status = await as_user(info, payments.direct_status, evseId, transactionId)
    return {"status": status["status"], "message": status["message"],
            "chargeLogId": status["session_uuid"]}


bindables = [query, mutation]
