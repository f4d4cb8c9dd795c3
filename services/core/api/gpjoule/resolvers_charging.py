"""remoteStart and remoteStop over the core's charging service (the same state machine,
tariffs and sessions as every API; the OCPP central system drives the charger).

``remoteStart`` waits for the charger's answer (at most ``ANSWER_WAIT_S``), then a little
longer (``SETTLE_WAIT_S``) for the session to start or fail, so that a start refused for a
missing vehicle or an immediate charger fault comes back in ``status``/``message``. It
answers ``session`` once the charger has the start; outcomes (occupied, offline, card
blocked, no vehicle, ...) are answered in ``status``/``message``; unknown connectors,
cards and sessions, and cards of other partners, are GraphQL errors (NOT_FOUND).
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType
from graphql import GraphQLError, GraphQLResolveInfo

from services.core.api.gpjoule import parsers, renderers
from services.core.api.gpjoule.context import core, offer, principal
from services.core.api.graphql import errors
from services.core.domain import charging
from services.core.domain.charging import StartRequest
from services.core.services import charging as charging_service
from services.core.services import partner_data

CHARGING_UNAVAILABLE = "CHARGING_UNAVAILABLE"
ANSWER_WAIT_S = 10.0
SETTLE_WAIT_S = 5.0
# Domain input names -> this API's argument names.
_FIELDS = {"connector": "connectorId", "card": "tagId", "tag_id": "tagId"}

mutation = MutationType()


def _unavailable(exc: charging_service.ChargingUnavailable) -> GraphQLError:
    return errors.error(CHARGING_UNAVAILABLE, str(exc))


def _charging_error(exc: charging.ChargingError) -> GraphQLError:
    field = _FIELDS.get(exc.field or "", exc.field)
    if field:
        return errors.error(exc.code, f"{field}: {exc.reason}", field=field)
    return errors.error(exc.code, exc.reason)


@mutation.field("remoteStart")
async def resolve_remote_start(_obj: Any, info: GraphQLResolveInfo, connectorId: str,
                               tagId: str) -> dict[str, Any]:  # fmt: skip
    c = core(info)
    connector_ref = parsers.required(connectorId, "connectorId")
    tag = parsers.required(tagId, "tagId")
    try:
        charging_service.gateway(c)
        sold = await offer(info)
        connector_id = await charging_service.connector_id(c, connector_ref, "connectorId",
                                                           sold)  # fmt: skip
        user_id, card_id = await c.db(partner_data.start_card, principal(info), tag, "tagId")
        request = StartRequest(user_id=user_id, connector_id=connector_id, card_id=card_id,
                               offer=sold)  # fmt: skip
        plan = await charging_service.start(c, request, wait_s=ANSWER_WAIT_S)
    except charging_service.ChargingUnavailable as exc:
        raise _unavailable(exc) from None
    except charging.ChargingError as exc:
        raise _charging_error(exc) from None
    return renderers.remote_start(await charging_service.settled_attempt(c, plan, SETTLE_WAIT_S))


@mutation.field("remoteStop")
async def resolve_remote_stop(_obj: Any, info: GraphQLResolveInfo, session: str
                              ) -> dict[str, Any]:  # fmt: skip
    c = core(info)
    ref = parsers.required(session, "session")
    user_id, session_uuid = await c.db(partner_data.session_owner, principal(info), ref,
                                       "session")  # fmt: skip
    try:
        result = await charging_service.stop(c, user_id, session_uuid, "session")
    except charging_service.ChargingUnavailable as exc:
        raise _unavailable(exc) from None
    return renderers.remote_stop(session_uuid, result.outcome, result.state, result.online)


bindables = [mutation]
