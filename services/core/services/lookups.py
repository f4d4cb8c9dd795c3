"""Queries the facades need about stations, connectors, tariffs and rates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.core.store import cards as card_store

if TYPE_CHECKING:
    from services.core.state import Core


async def rate_package_uuid(core: Core, package_id: int) -> str | None:
    return await core.db(card_store.rate_package_uuid, package_id)
