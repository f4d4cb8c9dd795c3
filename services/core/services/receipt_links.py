"""Receipts of a partner's members as PDF, one signed, expiring link away.

A link names the receipt (the session's number) and the partner whose token read it, and
carries ``expires`` (unix seconds) and ``sig``: HMAC-SHA256 over receipt, partner and expiry
with the core's link key (``documents.signing_key``: random per database, kept in the
settings table, never in code or logs). So a browser or PDF viewer that sends no token can
open it, it opens that one receipt only, and it dies after ``LINK_TTL_SECONDS``. The receipt
must still be one of the partner's members' finished sessions when the link is used.
"""

from __future__ import annotations

import hmac
import re
import sqlite3
import time
from enum import Enum
from urllib.parse import urlencode

from services.core.domain import documents, invoice_pdf
from services.core.domain.errors import NotFound
from services.core.services.member_billing import BILLED
from services.core.services.member_sessions import session_of_partner

LINK_TTL_SECONDS = documents.LINK_TTL_SECONDS
_NUMBER = re.compile(r"^[0-9]{1,18}$")
_HEX = re.compile(r"^[0-9a-f]{64}$")


class Link(Enum):
    MISSING = "missing"  # no signature at all
    INVALID = "invalid"  # malformed, or signed for something else
    EXPIRED = "expired"  # signed by this core, but too old


def signed_queries(conn: sqlite3.Connection, partner_id: int, session_ids: list[int],
                   now: float | None = None) -> dict[int, str]:  # fmt: skip
    """The query string of each receipt's download link, valid for ``LINK_TTL_SECONDS``."""
    key = documents.signing_key(conn)
    expires = documents.link_expiry(now)
    return {sid: urlencode({"partner": partner_id, "expires": expires,
                            "sig": documents.link_signature(key, "receipt", sid, partner_id,
                                                            expires)})
            for sid in session_ids}  # fmt: skip


def check(conn: sqlite3.Connection, session_id: int, partner: str | None,
          expires: str | None, sig: str | None, now: float | None = None) -> int | Link:
    """The partner a valid, unexpired link was signed for, or why it is refused."""
    if not (partner or expires or sig):
        return Link.MISSING
    if not (_NUMBER.match(partner or "") and _NUMBER.match(expires or "")
            and _HEX.match(sig or "")):
        return Link.INVALID
    assert partner is not None and expires is not None and sig is not None
    expected = documents.link_signature(documents.signing_key(conn), "receipt", session_id,
                                        int(partner), int(expires))
    if not hmac.compare_digest(expected, sig):
        return Link.INVALID
    if int(expires) < (now if now is not None else time.time()):
        return Link.EXPIRED
    return int(partner)


def receipt_pdf(conn: sqlite3.Connection, partner_id: int, session_id: int, number: str
                ) -> bytes:  # fmt: skip
    """The receipt of a finished session of one of the partner's members, printed with
    ``number``; NotFound for any other session."""
    found = session_of_partner(conn, partner_id, session_id)
    data = documents.receipt_data(conn, session_id) if found and found["state"] in BILLED \
        else None
    if found is None or data is None:
        raise NotFound(f"receipt: no receipt {session_id}", field="receipt")
    issued_on = (found["date_end"] or found["created_at"] or "")[:10]
    return invoice_pdf.render_receipt(data, number, issued_on)
