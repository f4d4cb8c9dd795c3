"""Charging operations (remote start/stop, start attempts, live meter summary).

PLACEHOLDER until the OCPP central system lands (issue 3, H4 replaces this module): every
operation answers a GraphQL error with code CHARGING_UNAVAILABLE. It never pretends that a
charger accepted anything. Authentication is still checked first, so clients see the same
UNAUTHENTICATED behaviour they will see once charging works.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised import errors
from services.core.api.beenergised.context import viewer

CHARGING_UNAVAILABLE = "CHARGING_UNAVAILABLE"

query = QueryType()
mutation = MutationType()


def _unavailable(operation: str) -> Any:
    async def resolve(_obj: Any, info: GraphQLResolveInfo, **_kw: Any) -> Any:
        await viewer(info)
        raise errors.error(
            CHARGING_UNAVAILABLE,
            f"{operation}: remote charging needs the OCPP central system, which this core "
            "is not running",
        )

    return resolve


for _name in ("remoteStart", "remoteStartWithoutInvoicing", "attemptRemoteStart", "remoteStop"):
    mutation.set_field(_name, _unavailable(_name))
for _name in ("remoteStartAttemptStatus", "chargelogMeterValuesSummary"):
    query.set_field(_name, _unavailable(_name))

bindables = [query, mutation]
