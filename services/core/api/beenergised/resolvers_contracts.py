"""bankAccount, contractPaymentMethods, SEPA and postpaid contracts.

Failures of the contract mutations (bad IBAN / BIC, unknown option or rate, missing
contract) come back in the documented ``error: ContractErrorBody`` with ``status``
"error"; success has ``status`` "success" and ``error`` null. Readings of the document:
``services.core.domain.contracts``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised import parsers, renderers
from services.core.api.beenergised.context import core, viewer
from services.core.api.beenergised.userdata import as_user, domain_error_body, run
from services.core.domain import accounts, contracts
from services.core.domain.errors import DomainError

query = QueryType()
mutation = MutationType()


@query.field("bankAccount")
async def resolve_bank_account(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    account = await as_user(info, contracts.bank_account)
    if account is None:
        return None
    return {"iban": account["iban"], "bic": account["bic"], "bank": account["bank"],
            "accountHolder": account["account_holder"]}


@query.field("contractPaymentMethods")
async def resolve_contract_payment_methods(_obj: Any, info: GraphQLResolveInfo
                                           ) -> list[dict[str, Any]]:
    terms = await run(info, accounts.latest_terms, None)
    url = core(info).url(f"/terms/{terms['uuid']}.pdf") if terms is not None else None
    return [renderers.contract_option(o) for o in contracts.contract_options(url)]


async def _contract_call(info: GraphQLResolveInfo, fn: Callable[..., Any], *args: Any,
                         message: Callable[[Any], str]) -> dict[str, Any]:
    me = await viewer(info)
    try:
        result = await run(info, fn, me.user_id, *args)
    except DomainError as exc:
        return {"status": "error", "message": exc.message, "error": domain_error_body(exc)}
    return {"status": "success", "message": message(result), "error": None}


def _created(kind: str) -> Callable[[Any], str]:
    def text(result: Any) -> str:
        contract, card = result
        return f"{kind} contract {contract['uuid']} created; card {card['number']} issued"
    return text


@mutation.field("createSepaContract")
async def resolve_create_sepa(_obj: Any, info: GraphQLResolveInfo,
                              sepaContract: dict | None = None) -> dict[str, Any]:
    return await _contract_call(info, contracts.create_sepa, parsers.contract_input(sepaContract),
                                message=_created("SEPA"))


@mutation.field("updateSepaContract")
async def resolve_update_sepa(_obj: Any, info: GraphQLResolveInfo,
                              updateSepaContract: dict | None = None) -> dict[str, Any]:
    return await _contract_call(info, contracts.update_sepa,
                                parsers.contract_input(updateSepaContract),
                                message=lambda c: f"SEPA contract {c['uuid']} updated")


@mutation.field("deleteSepaContract")
async def resolve_delete_sepa(_obj: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    return await _contract_call(info, contracts.cancel, "SEPA", id, "id",
                                message=lambda c: f"SEPA contract {c['uuid']} cancelled")


@mutation.field("createPostpaidContract")
async def resolve_create_postpaid(_obj: Any, info: GraphQLResolveInfo,
                                  postpaidContract: dict | None = None) -> dict[str, Any]:
    return await _contract_call(info, contracts.create_postpaid,
                                parsers.contract_input(postpaidContract),
                                message=_created("postpaid"))


@mutation.field("updatePostpaidContract")
async def resolve_update_postpaid(_obj: Any, info: GraphQLResolveInfo,
                                  postpaidContract: dict | None = None) -> dict[str, Any]:
    return await _contract_call(info, contracts.update_postpaid,
                                parsers.contract_input(postpaidContract),
                                message=lambda c: f"postpaid contract {c['uuid']} updated")


@mutation.field("deletePostpaidContract")
async def resolve_delete_postpaid(_obj: Any, info: GraphQLResolveInfo,
                                  postpaidContract: dict | None = None) -> dict[str, Any]:
    return await _contract_call(info, contracts.cancel, "POSTPAID",
                                (postpaidContract or {}).get("id"), "postpaidContract.id",
                                message=lambda c: f"postpaid contract {c['uuid']} cancelled")


bindables = [query, mutation]
