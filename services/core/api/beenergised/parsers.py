"""be.ENERGISED wire inputs -> typed domain inputs, and the domain's field names back to the
names a be.ENERGISED client sent (for error messages and ``extensions.field``)."""

from __future__ import annotations

import re
from typing import Any

from services.core.domain.charging import ChargingError, StartRequest
from services.core.domain.errors import DomainError
from services.core.store.db import from_iso
from services.core.store.station_filter import FilterError, StationFilter

# StartRequest attribute -> the argument path of AttemptRemoteStartInput
_START_FIELDS = {
    "tag_id": "tagId",
    "rate_package": "config.ratePackage",
    "valid_until": "config.validUntil",
    "stop_minutes": "config.stopMinutes",
    "session": "transaction",
}


def start_request(
    *,
    user_id: int,
    connector_id: int,
    card_id: int | None,
    tag_id: str | None,
    config: dict[str, Any] | None,
    invoiced: bool,
) -> StartRequest:
    """An AttemptRemoteStartConfig (camelCase keys; absent or null entries ignored) and the
    flavour's invoicing default -> StartRequest."""
    config = config or {}
    valid_until = None
    if config.get("validUntil"):
        try:
            valid_until = from_iso(str(config["validUntil"]))
        except ValueError as exc:
            raise ChargingError(
                "BAD_USER_INPUT", "must be an ISO 8601 date string", "valid_until"
            ) from exc
    stop_minutes = config.get("stopMinutes")
    if config.get("markedAsInvoiced") is not None:
        invoiced = bool(config["markedAsInvoiced"])
    return StartRequest(
        user_id=user_id,
        connector_id=connector_id,
        card_id=card_id,
        tag_id=tag_id,
        rate_package=config.get("ratePackage") or None,
        valid_until=valid_until,
        stop_minutes=int(stop_minutes) if stop_minutes is not None else None,
        invoiced=invoiced,
    )


def wire_charging_error(exc: ChargingError) -> ChargingError:
    """The same refusal, its field named as on the wire."""
    if exc.field is None:
        return exc
    return ChargingError(exc.code, exc.reason, _START_FIELDS.get(exc.field, exc.field))


# ------------------------------------------------------------------ field names

# The domain's names for input fields -> this API's, one path segment at a time.
WIRE_NAMES = {
    "profile": "contactProfile",
    "first_name": "firstName",
    "last_name": "name",
    "is_company": "isCompany",
    "company_id": "companyId",
    "current_password": "currentPassword",
    "new_password": "newPassword",
    "additional_fields": "additionalFields",
    "connector_id": "connectorId",
    "rate_id": "rateId",
    "rate_package_id": "ratePackageId",
    "card_id": "cardId",
    "billing_contact_id": "billingContactId",
    "transaction_id": "transactionId",
    "evse_id": "evseId",
    "customer_reference": "customerReference",
    "debit_type": "debitType",
    "account_holder": "accountHolder",
    "use_parent": "useParent",
    "new_card": "authenticationMedia",
    "sepa_contract": "sepaContract",
    "update_sepa_contract": "updateSepaContract",
    "postpaid_contract": "postpaidContract",
    "register_payment_method": "registerPaymentMethod",
    "init_direct_payment_charging": "initDirectPaymentCharging",
}
_NAMED_IN_TEXT = re.compile(r"\b(" + "|".join(k for k in WIRE_NAMES if "_" in k) + r")\b")

_SEGMENT = re.compile(r"^([A-Za-z_]+)(.*)$")


def wire_path(path: str) -> str:
    """``profile.first_name`` -> ``contactProfile.firstName``; ``additional_fields[2].name``
    -> ``additionalFields[2].name``."""
    out = []
    for segment in path.split("."):
        m = _SEGMENT.match(segment)
        if m is None:
            out.append(segment)
            continue
        out.append(WIRE_NAMES.get(m.group(1), m.group(1)) + m.group(2))
    return ".".join(out)


def wire_error(exc: DomainError) -> DomainError:
    """Rename the field a domain error names (its ``field`` and its message's leading
    ``path:``) in this API's words; the same exception, changed in place."""
    if exc.field:
        exc.field = wire_path(exc.field)
    head, sep, rest = exc.message.partition(": ")
    if sep and " " not in head:
        # a reason may name another input too ("does not belong to the rate rate_id")
        rest = _NAMED_IN_TEXT.sub(lambda m: WIRE_NAMES[m.group(1)], rest)
        exc.message = wire_path(head) + sep + rest
        exc.args = (exc.message,)
    return exc


# ------------------------------------------------------------------ contacts

_CONTACT_KEYS = {"firstName": "first_name", "name": "last_name", "isCompany": "is_company",
                 "companyId": "company_id"}


def contact_profile(wire: dict[str, Any] | None) -> dict[str, Any] | None:
    """A (Registering)ContactProfile input -> the domain's contact profile."""
    if wire is None:
        return None
    return {_CONTACT_KEYS.get(k, k): v for k, v in wire.items()}


# ------------------------------------------------------------------ contracts

_CONTRACT_KEYS = {"rateId": "rate_id", "debitType": "debit_type",
                  "accountHolder": "account_holder", "useParent": "use_parent",
                  "customerReference": "customer_reference"}


def contract_input(wire: dict[str, Any] | None) -> dict[str, Any] | None:
    """A SepaContractInput / UpdateSepaContractInput / PostpaidContractInput -> the
    domain's contract data."""
    if wire is None:
        return None
    return {_CONTRACT_KEYS.get(k, k): v for k, v in wire.items()}


# ------------------------------------------------------------------ station filters


def _option(slug: str, label: str, icon: str, value: str) -> dict[str, Any]:
    return {"slug": slug, "label": label, "icon": icon, "default": False, "value": value}


# The options the ``filters`` query returns and ``ConnectorFilter`` accepts; ``criterion``
# and ``value`` say what each selects in the core's terms.
CONNECTOR_FILTERS: list[dict[str, Any]] = [
    {
        "slug": "TYPE_OF_CURRENT", "label": "Type of current", "type": "multiselect",
        "criterion": "current_type",
        "options": [_option("AC", "AC", "ac", "AC"), _option("DC", "DC", "dc", "DC")],
    },
    {
        "slug": "POWER_CLASS", "label": "Charging power", "type": "multiselect",
        "criterion": "power_class",
        "options": [
            _option("UP_TO_22_KW", "up to 22 kW", "power-slow", "up_to_22_kw"),
            _option("FROM_50_KW", "50 kW and more", "power-fast", "from_50_kw"),
            _option("FROM_150_KW", "150 kW and more", "power-rapid", "from_150_kw"),
            _option("FROM_300_KW", "300 kW and more", "power-ultra", "from_300_kw"),
        ],
    },
    {
        "slug": "FILTER_BY_CONNECTOR_TYPE", "label": "Plug type", "type": "multiselect",
        "criterion": "plug_type",
        "options": [
            _option("TYPE2", "Type 2", "type2", "TYPE2"),
            _option("CCS", "CCS", "ccs", "CCS"),
            _option("CHADEMO", "CHAdeMO", "chademo", "CHADEMO"),
            _option("SCHUKO", "Schuko", "schuko", "SCHUKO"),
        ],
    },
]
_BY_SLUG = {f["slug"]: f for f in CONNECTOR_FILTERS}


def station_filter(filters: list[dict] | None, free_of_charge: bool | None = None
                   ) -> StationFilter:
    """``[ConnectorFilter]`` (``{slug, options}``) and ``freeOfCharge`` -> StationFilter.

    ``freeOfCharge: false`` reads as "no restriction" (the document gives no other
    meaning). Unknown slugs/options raise FilterError naming the argument."""
    given = [f or {} for f in (filters or ())]
    for i, f in enumerate(given):  # every slug first, then the options
        if f.get("slug") not in _BY_SLUG:
            raise FilterError(
                f"filter[{i}].slug",
                f"unknown filter {f.get('slug')!r}; expected one of {sorted(_BY_SLUG)}",
            )
    groups = []
    for f in given:
        slug = f["slug"]
        values = {o["slug"]: o["value"] for o in _BY_SLUG[slug]["options"]}
        chosen = []
        for opt in f.get("options") or ():
            if opt not in values:
                raise FilterError(
                    f"filter.{slug}.options",
                    f"unknown option {opt!r}; expected one of {sorted(values)}",
                )
            chosen.append(values[opt])
        groups.append((_BY_SLUG[slug]["criterion"], chosen))
    return StationFilter.build(groups, free_of_charge=free_of_charge)
