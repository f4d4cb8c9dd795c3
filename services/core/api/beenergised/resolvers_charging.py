"""be.ENERGISED charging operations: remote start (three flavours), attempt status, remote
stop, live meter summary, over the core's charging service (``services.core.services.charging``).

Readings of what the document leaves open (it types most fields as plain String/Int):
- ``RemoteStartResponse``: ``id`` = the start attempt id (usable with
  ``remoteStartAttemptStatus``), ``status`` = the attempt status (PENDING, SENT, ACCEPTED,
  STARTED, FAILED), ``session`` = the chargelog id (``Chargelog.id``), ``transaction`` = the
  session id, which is also ``Chargelog.sessionId`` and what ``remoteStop`` takes (the
  charger itself is told a different, random OCPP transactionId that only it can use);
  ``code`` = an HTTP-like number (200 accepted/started, 202 sent but not yet answered,
  403 card, 408 nothing happened in time, 409 connector occupied, 422 rejected by the charger,
  503 charger offline or connector out of order, 504 the charger did not answer) and
  ``message`` a sentence a driver understands.
- ``Authorization``: ``type`` RFID means ``identifier`` names one of the driver's cards (card
  id or tag id); AUTO lets the back end choose: the named card if it is one of the driver's,
  else the driver's first card that can charge.
- ``remoteStop(transaction)`` accepts the session id (``Chargelog.sessionId``) or the
  chargelog id. Someone else's session is NOT_FOUND, like every other user-owned object.
  Stopping twice is harmless: the second call reports the state the session is in.
- Domain outcomes (occupied, offline, rejected...) are answered in the response fields the
  document provides; malformed input is a GraphQL error (BAD_USER_INPUT naming the field).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLError, GraphQLResolveInfo

from services.core.api.beenergised import parsers, renderers, renderers_charging
from services.core.api.beenergised.context import core, offer, viewer
from services.core.api.graphql import errors
from services.core.domain import charging
from services.core.services import charging as charging_service

CHARGING_UNAVAILABLE = "CHARGING_UNAVAILABLE"

query = QueryType()
mutation = MutationType()

def _unavailable(exc: charging_service.ChargingUnavailable) -> GraphQLError:
    return errors.error(CHARGING_UNAVAILABLE, str(exc))


def _charging_error(exc: charging.ChargingError, prefix: str = "") -> GraphQLError:
    exc = parsers.wire_charging_error(exc)
    ext = {"field": prefix + exc.field} if exc.field else {}
    return errors.error(exc.code, prefix + exc.message, **ext)


async def _start(
    info: GraphQLResolveInfo,
    *,
    connector_ref: str | None,
    connector_field: str,
    identifier: str | None,
    kind: str,
    auth_field: str,
    config: dict[str, Any] | None,
    invoiced: bool,
    wait_s: float,
    prefix: str = "",
) -> dict[str, Any]:
    who = await viewer(info)
    c = core(info)
    try:
        charging_service.gateway(c)
        sold = await offer(info)
        connector_id = await charging_service.connector_id(c, connector_ref, connector_field,
                                                           sold)  # fmt: skip
        card_id, tag = await charging_service.card_for(
            c, who.user_id, identifier, allow_unknown_tag=kind == "RFID", field=auth_field)
        request = replace(parsers.start_request(
            user_id=who.user_id, connector_id=connector_id, card_id=card_id, tag_id=tag,
            config=config, invoiced=invoiced), offer=sold)
        plan = await charging_service.start(c, request, wait_s=wait_s)
    except charging_service.ChargingUnavailable as exc:
        raise _unavailable(exc) from None
    except charging.ChargingError as exc:
        raise _charging_error(exc, prefix) from None
    return await charging_service.attempt(c, plan.attempt_uuid)


async def _remote_start(
    info: GraphQLResolveInfo, authorization: dict | None, connector: str | None, invoiced: bool
) -> dict[str, Any]:
    authorization = authorization or {}
    a = await _start(
        info,
        connector_ref=connector,
        connector_field="connector",
        identifier=authorization.get("identifier"),
        kind=authorization.get("type") or "AUTO",
        auth_field="authorization.identifier",
        config=None,
        invoiced=invoiced,
        wait_s=10.0,
    )
    return renderers_charging.remote_start(a)


@mutation.field("remoteStart")
async def resolve_remote_start(
    _obj: Any,
    info: GraphQLResolveInfo,
    authorization: dict | None = None,
    connector: str | None = None,
) -> dict[str, Any]:
    return await _remote_start(info, authorization, connector, invoiced=True)


@mutation.field("remoteStartWithoutInvoicing")
async def resolve_remote_start_without_invoicing(
    _obj: Any,
    info: GraphQLResolveInfo,
    authorization: dict | None = None,
    connector: str | None = None,
) -> dict[str, Any]:
    return await _remote_start(info, authorization, connector, invoiced=False)


@mutation.field("attemptRemoteStart")
async def resolve_attempt_remote_start(
    _obj: Any, info: GraphQLResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    config = {k: v for k, v in (input.get("config") or {}).items() if v is not None}
    # The attempt is the asynchronous flavour: answer quickly, the driver polls
    # remoteStartAttemptStatus. A short wait still catches an immediate answer.
    a = await _start(
        info,
        connector_ref=input.get("connectorId"),
        connector_field="input.connectorId",
        identifier=input.get("tagId"),
        kind="RFID",
        auth_field="input.tagId",
        config=config,
        invoiced=True,
        wait_s=2.0,
        prefix="input.",
    )
    return renderers_charging.attempt(a)


@query.field("remoteStartAttemptStatus")
async def resolve_attempt_status(
    _obj: Any,
    info: GraphQLResolveInfo,
    id: str,
) -> dict[str, Any]:
    who = await viewer(info)
    found = await charging_service.attempt_of_user(core(info), who.user_id, id)
    return renderers_charging.attempt(found)


# ------------------------------------------------------------------ stop


@mutation.field("remoteStop")
async def resolve_remote_stop(
    _obj: Any, info: GraphQLResolveInfo, transaction: str | None = None
) -> dict[str, Any]:
    who = await viewer(info)
    ref = (transaction or "").strip()
    if not ref:
        raise errors.bad_input("transaction", "is required (Chargelog.sessionId)")
    try:
        result = await charging_service.stop(core(info), who.user_id, ref, "transaction")
    except charging_service.ChargingUnavailable as exc:
        raise _unavailable(exc) from None
    return renderers_charging.stop_response(result)


# ------------------------------------------------------------------ live meter


@query.field("chargelogMeterValuesSummary")
async def resolve_meter_summary(_obj: Any, info: GraphQLResolveInfo, uuid: str) -> dict[str, Any]:
    who = await viewer(info)
    return renderers.meter_summary(
        await charging_service.live_meter(core(info), who.user_id, uuid))


bindables = [query, mutation]
