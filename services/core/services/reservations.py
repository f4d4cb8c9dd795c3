"""Reservations for every facade: hold a connector for a driver, cancel, read.

Public functions (``core`` is the running ``services.core.state.Core``):

- ``await reserve(core, *, user_id, minutes, station_uuid=None, connector_no=None,
  connector_ref=None, card=None) -> Reservation``: name the connector by station uuid +
  OCPP connector number, or by ``connector_ref`` (connector id or EVSE id). ``card`` is one
  of the user's cards (uuid or tag); without it the user's first card that can charge is
  used, and any card of the user may start there. ``minutes`` 1..1440. Sends ReserveNow and
  waits for the charger's answer. Raises ``BadInput`` (field named), ``NotFound``
  (``station``/``connector``/``card``), ``ChargingUnavailable`` (no central system), or
  ``ReservationRefused`` (a ``Conflict``): ``.refusal`` says why (offline, out of order,
  occupied, already reserved), ``.answer`` is the charger's ReserveNow status when the
  charger refused (Faulted, Occupied, Rejected, Unavailable; None if it did not answer) and
  ``.reservation`` the recorded, failed reservation in that case.
- ``await cancel(core, reservation_id, *, user_id=None) -> Reservation``: ``user_id`` None
  is the operator (any reservation); a driver cancels only their own (others: NotFound).
  Cancelling one that already ended is harmless and returns it unchanged.
- ``await get(core, reservation_id, *, user_id=None) -> Reservation`` (NotFound likewise).
- ``await list_for(core, *, user_id=None, user_ids=None, status=None, after_id=0,
  limit=100) -> list[Reservation]``: ascending by id after the cursor ``after_id``.

``Reservation`` (``services.core.domain.reservations``) has ``id`` (the OCPP
reservationId), ``uuid``, ``user_id``, ``card_id``, ``tag_id``, ``station_uuid``,
``station_id``, ``connector_id``, ``connector_no``, ``evse_id``, ``minutes``, ``status``
(pending, accepted, expired, cancelled, used, failed; ``accepted`` is the active one),
``failure_reason``, ``session_id`` (once used), ``created_at``, ``expires_at``,
``ended_at``, ``updated_at``.

Reservation minutes last ``VOLTRA_MINUTE_SECONDS`` seconds each (60; demos and tests shorten
them), like the other minutes the core counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.core.domain import charging as charging_domain
from services.core.domain import reservations as domain
from services.core.domain.errors import BadInput
from services.core.domain.reservations import Refusal, Reservation, ReservationRefused
from services.core.events import reservation_topic
from services.core.services.charging import card_for, gateway
from services.settings import get_settings

if TYPE_CHECKING:
    from services.core.state import Core

__all__ = [
    "Refusal", "Reservation", "ReservationRefused", "cancel", "get", "list_for", "reserve",
]


async def reserve(core: Core, *, user_id: int, minutes: int, station_uuid: str | None = None,
                  connector_no: int | None = None, connector_ref: str | None = None,
                  card: str | None = None) -> Reservation:
    gw = gateway(core)
    domain.check_minutes(minutes)
    connector_id = await core.db(domain.connector_to_reserve, station_uuid, connector_no,
                                 connector_ref)
    try:
        card_id, tag = await card_for(core, user_id, card, allow_unknown_tag=False, field="card")
    except BadInput as err:
        if card:
            raise
        raise BadInput("card", Refusal.NO_CARD) from err
    if card_id is not None:
        problem = await core.db(charging_domain.card_problem_by_id, card_id)
        if problem is not None:
            raise BadInput("card", problem)
    r = await core.db(
        domain.create, user_id=user_id, connector_id=connector_id, card_id=card_id,
        tag=str(tag), minutes=minutes,
        minute_seconds=get_settings().minute_seconds,
    )
    answer = await gw.reserve(r.station_uuid, r.connector_no, r.id, r.expires_at, r.tag_id,
                              r.parent_tag)
    r = await core.db(domain.answered, r.id, answer)
    _changed(core, r.id)
    if r.status == domain.FAILED:
        raise ReservationRefused(r.failure_reason or Refusal.NO_ANSWER, answer=answer,
                                 reservation=r)
    return r


async def cancel(core: Core, reservation_id: int, *, user_id: int | None = None) -> Reservation:
    r, was_open = await core.db(domain.cancel, reservation_id, user_id)
    if was_open:
        _changed(core, r.id)
        if core.gateway is not None:
            # The charger frees the connector; an offline one is told when it is back.
            await core.gateway.cancel_reservation(r.station_uuid, r.id)
    return r


async def get(core: Core, reservation_id: int, *, user_id: int | None = None) -> Reservation:
    return await core.db(domain.get_for, reservation_id, user_id)


async def list_for(core: Core, *, user_id: int | None = None, user_ids: list[int] | None = None,
                   status: str | None = None, after_id: int = 0,
                   limit: int = 100) -> list[Reservation]:
    return await core.db(domain.list_for, user_id=user_id, user_ids=user_ids, status=status,
                         after_id=after_id, limit=limit)


def _changed(core: Core, reservation_id: int) -> None:
    core.bus.publish(reservation_topic(reservation_id), {"reservation_id": reservation_id})
