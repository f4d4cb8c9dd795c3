"""Ids of a merged provider: ``<account id>:<the back end's own id>``, so every id the screens
hold routes back to the account (and the back end) it came from."""

from __future__ import annotations

import re

from services.provider import InvalidInput

ACCOUNT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
SEP = ":"


def ns(account_id: str, native_id: str) -> str:
    return f"{account_id}{SEP}{native_id}"


def split(merged_id: str, field: str = "id") -> tuple[str, str]:
    """(account id, native id); InvalidInput naming ``field`` for an id of no account."""
    account_id, sep, native = (merged_id or "").partition(SEP)
    if not sep or not native or not ACCOUNT_ID.match(account_id):
        raise InvalidInput(
            "This id does not name one of your accounts.", field=field, detail=merged_id
        )
    return account_id, native


def evse_key(evse_id: str | None) -> str | None:
    """EVSE IDs compared as ISO 15118 does: case and the optional ``*`` separators ignored."""
    if not evse_id:
        return None
    key = re.sub(r"[\s*\-]", "", evse_id).upper()
    return key or None
