"""The catalogue operations of the document this core serves, and real path values for them
read from the core's own listings (so ids are consistent across operations)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.contract.ampeco.client import Ampeco

R = "/public-api/resources"
LISTINGS = (
    f"{R}/locations/v2.0", f"{R}/charge-points/v2.0", f"{R}/evses/v2.1", f"{R}/tariffs/v1.0",
    f"{R}/tariff-groups/v1.0", f"{R}/currencies/v2.0", f"{R}/taxes/v2.0",
    f"{R}/terms-and-policies/v2.0", f"{R}/faqs/v2.0", f"{R}/partners/v2.0",
    f"{R}/user-groups/v1.0", f"{R}/subscriptions/v1.0", f"{R}/subscription-plans/v2.0",
    f"{R}/charge-points/v2.0/{{chargePoint}}/evses",
    f"{R}/charge-points/v2.0/{{chargePoint}}/evses/{{evse}}/connectors",
)
READS = (
    f"{R}/locations/v2.0/{{location}}", f"{R}/charge-points/v2.0/{{chargePoint}}",
    f"{R}/charge-points/v1.0/{{chargePoint}}/status",
    f"{R}/charge-points/v2.0/{{chargePoint}}/evses/{{evse}}",
    f"{R}/charge-points/v2.0/{{chargePoint}}/evses/{{evse}}/connectors/{{connector}}",
    f"{R}/evses/v2.1/{{evse}}", f"{R}/tariffs/v1.0/{{tariff}}",
    f"{R}/tariff-groups/v1.0/{{tariffGroup}}", f"{R}/tariff-snapshots/v1.0/{{tariffSnapshot}}",
    f"{R}/currencies/v2.0/{{currency}}", f"{R}/taxes/v2.0/{{tax}}",
    f"{R}/terms-and-policies/v2.0/{{termVersion}}", f"{R}/contact-details/v2.0",
    f"{R}/faqs/v2.0/{{faq}}", f"{R}/partners/v2.0/{{partner}}",
    f"{R}/user-groups/v1.0/{{userGroup}}", f"{R}/subscriptions/v1.0/{{subscription}}",
    f"{R}/subscription-plans/v2.0/{{subscriptionPlan}}",
)
ALL = (*LISTINGS, *READS)


@dataclass(frozen=True)
class Ids:
    values: dict[str, int]

    def for_template(self, template: str) -> dict[str, int]:
        return {k: v for k, v in self.values.items() if "{" + k + "}" in template}


def _first(amp: Ampeco, path: str, **params: Any) -> dict[str, Any]:
    data = amp.ok(path, params={"per_page": 1, **params})["data"]
    assert data, f"{path} lists nothing for the demo operator"
    return data[0]


def sample_ids(amp: Ampeco) -> Ids:
    """One existing id per path parameter, taken from the listings."""
    evse = _first(amp, f"{R}/evses/v2.1", **{"include[]": "connectors"})
    tariff = _first(amp, f"{R}/tariffs/v1.0")
    return Ids({
        "location": _first(amp, f"{R}/locations/v2.0")["id"],
        "chargePoint": evse["chargePointId"], "evse": evse["id"],
        "connector": evse["connectors"][0]["id"], "tariff": tariff["id"],
        "tariffGroup": evse["tariffGroupId"],
        # a snapshot is numbered by its session: the demo history's first session
        "tariffSnapshot": 1,
        "currency": _first(amp, f"{R}/currencies/v2.0")["id"],
        "tax": _first(amp, f"{R}/taxes/v2.0")["id"],
        "termVersion": _first(amp, f"{R}/terms-and-policies/v2.0")["id"],
        "faq": _first(amp, f"{R}/faqs/v2.0")["id"],
        "partner": _first(amp, f"{R}/partners/v2.0")["id"],
        "userGroup": _first(amp, f"{R}/user-groups/v1.0")["id"],
        "subscription": _first(amp, f"{R}/subscriptions/v1.0")["id"],
        "subscriptionPlan": _first(amp, f"{R}/subscription-plans/v2.0")["id"],
    })
