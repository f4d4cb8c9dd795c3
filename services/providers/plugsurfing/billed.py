"""History over OIOI beyond the recent sessions.

``user-get-recent-sessions`` answers the newest sessions only (how many is the back end's
choice; the embedded core sends 50) and takes no paging fields. What the document offers
for older ones is ``user-get-bills`` over a date interval: each bill lists the
``external-session-ids`` it covers. So history pages through the recent sessions first,
then through the sessions billed earlier, known by their id alone: the document gives
them no times, energy or cost (those are in the invoice the bill links to).
"""

from __future__ import annotations

from services import models as m

from . import wire as w


def sessions(bills: list[w.Bill], known: set[str]) -> list[m.ChargingSession]:
    """Sessions of ``bills`` not in ``known``, in the bills' order, each once."""
    seen = set(known)
    out: list[m.ChargingSession] = []
    for bill in bills:
        for sid in bill.external_session_ids:
            if sid and sid not in seen:
                seen.add(sid)
                out.append(m.ChargingSession(id=sid, state=m.SessionState.FINISHED))
    return out


def page(
    recent: list[m.ChargingSession],
    older: list[m.ChargingSession] | None,
    offset: int,
    limit: int,
) -> m.Page[m.ChargingSession]:
    """One page of ``recent`` then ``older`` (None: not asked for, as the page ends
    inside the recent sessions, so more may follow)."""
    every = recent + (older or [])
    known_end = older is not None
    return m.Page(
        items=every[offset : offset + limit],
        offset=offset,
        limit=limit,
        total=len(every) if known_end else None,
        is_last=known_end and offset + limit >= len(every),
    )
