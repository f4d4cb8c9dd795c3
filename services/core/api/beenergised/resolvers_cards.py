"""Cards (authentication media): cardsPaged, card, availableCardsForChargingProcess,
createAuthenticationMedia, updateCard, updateCardBillingContact.

Only the signed-in user's cards are visible; any other id is NOT_FOUND. Behavioural
readings: ``services.core.domain.cards``.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from services.core.api.beenergised import renderers
from services.core.api.beenergised.userdata import as_user, page_args, paged
from services.core.domain import cards

query = QueryType()
mutation = MutationType()


@query.field("cardsPaged")
async def resolve_cards_paged(_obj: Any, info: GraphQLResolveInfo,
                              pagination: dict | None = None) -> dict[str, Any]:
    limit, offset = page_args(pagination)
    rows, total = await as_user(info, cards.list_cards, limit, offset)
    return paged([renderers.card(r) for r in rows], total, limit, offset)


@query.field("card")
async def resolve_card(_obj: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    return renderers.card(await as_user(info, cards.get_card, id))


@query.field("availableCardsForChargingProcess")
async def resolve_available(_obj: Any, info: GraphQLResolveInfo, connectorId: str
                            ) -> list[dict[str, Any]]:
    usable = await as_user(info, cards.cards_for_connector, connectorId)
    return [renderers.usable_card(u) for u in usable]


@mutation.field("createAuthenticationMedia")
async def resolve_create(_obj: Any, info: GraphQLResolveInfo,
                         authenticationMedia: dict[str, Any]) -> dict[str, Any]:
    row = await as_user(info, cards.create_card, authenticationMedia.get("rateId"),
                        authenticationMedia.get("customerReference"))
    return {"id": row["uuid"], "rateId": row["rate_uuid"],
            "customerReference": row["customer_reference"]}


@mutation.field("updateCard")
async def resolve_update(_obj: Any, info: GraphQLResolveInfo, input: dict[str, Any]
                         ) -> dict[str, Any]:
    row = await as_user(info, cards.update_card, input.get("cardId"), input.get("label"),
                        input.get("status"))
    card = renderers.card(row)
    changed = []
    if input.get("label") is not None:
        changed.append("label updated")
    if input.get("status") is not None:
        changed.append("card deactivated")
    return {
        "expiryDate": card["expiryDate"],
        "id": card["id"],
        "label": card["label"],
        "message": "; ".join(changed) or "nothing to change",
        "number": card["number"],
        "status": card["status"],
        "tagId": card["tagId"],
        "type": card["type"],
    }


@mutation.field("updateCardBillingContact")
async def resolve_billing(_obj: Any, info: GraphQLResolveInfo, cardId: str,
                          billingContactId: str) -> dict[str, Any]:
    await as_user(info, cards.update_billing_contact, cardId, billingContactId)
    return {"status": "success", "message": "billing contact updated"}


bindables = [query, mutation]
