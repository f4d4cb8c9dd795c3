"""``/public-api/notifications/v2.0``: the operator's webhook subscriptions (subscribe, list,
read, update, unsubscribe). Deliveries: ``notification_dispatch``.

Readings: only ``via: webhook`` is offered (Kafka is refused with 422 naming ``via``); a
callback URL must be one the operator allowed (``VOLTRA_WEBHOOK_HOSTS``), loopback only for
a demo database, never an internal address; deliveries stay signed with the token that
subscribed, also after an update.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.core.api.ampeco.access import operator, parse_id
from services.core.api.ampeco.errors import invalid
from services.core.api.ampeco.notification_dispatch import Dispatch
from services.core.api.ampeco.paging import listing, window
from services.core.api.ampeco.refusals import refusal, refusing
from services.core.api.ampeco.respond import data, json
from services.core.api.rest.body import parse_body
from services.core.domain.errors import BadInput, DomainError
from services.core.services import webhooks

PATH = "/public-api/notifications/v2.0"
NAMES = ("AuthorizationNotification", "authorization.changed", "BootNotification",
         "ChargePointChangedNotification", "chargePoint.changed", "evse.changed",
         "ChargePointSyncConfigurationNotification", "CircuitConsumptionNotification",
         "circuit.changed", "DiagnosticsStatusNotification", "FirmwareStatusNotification",
         "HardwareStatusNotification", "LocationChangedNotification", "NetworkStatusNotification",
         "SecurityEventNotification", "SessionMeterValuesNotification",
         "SessionStartStopNotification", "session.start.stop.notification",
         "SessionUpdateNotification", "session.chargingPeriod.changed", "UserChangedNotification",
         "SubOperatorChangedNotification", "TariffChangedNotification",
         "user.subscriptionChanged", "user.subscription.changed",
         "ReservationChangedNotification", "PaymentMethodChangedNotification",
         "PartnerInviteChangedNotification", "reservation.changed", "user.paymentMethod.changed",
         "userBalance.changed", "partnerInvite.changed", "roamingPlatform.changed",
         "parkingSpace.occupancyStatus.changed", "partner.changed", "transaction.changed",
         "settlementReport.created", "idTag.changed", "issue.changed",
         "chargePoint.dataTransferReceived", "subscriptionPlan.changed",
         "user.invoiceDetails.changed", "cdr.received", "chargingProfile.applied",
         "installerJob.changed", "corporateBilling.limitReached")  # fmt: skip
Name = Literal[NAMES]  # type: ignore[valid-type]


class Webhook(BaseModel):
    model_config = ConfigDict(extra="ignore")
    callbackUrl: Annotated[str, Field(min_length=1, max_length=500)]


class Subscription(BaseModel):
    model_config = ConfigDict(extra="ignore")
    via: Literal["webhook", "kafka"]
    notifications: Annotated[list[Name], Field(min_length=1, max_length=len(NAMES))]
    webhook: Webhook | None = None
    kafka: dict[str, Any] | None = None


def render(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": int(row["id"]), "via": "webhook", "notifications": row["events"].split(),
            "webhook": {"callbackUrl": row["url"]}}


def _target(body: Subscription) -> tuple[str, tuple[str, ...]]:
    if body.via != "webhook":
        raise invalid("via", "must be webhook: this operator delivers notifications by webhook.")
    if body.webhook is None:
        raise invalid("webhook.callbackUrl", "is required when via is webhook.")
    return body.webhook.callbackUrl, tuple(dict.fromkeys(body.notifications))


def _token(request: Request) -> str:
    """The access token of the (already authenticated) request: it signs the deliveries."""
    return request.headers.get("authorization", "").strip()[len("Bearer "):].strip()


def _refused(exc: DomainError) -> Exception:
    if isinstance(exc, BadInput) and exc.field == "url":
        return invalid("webhook.callbackUrl", exc.reason.rstrip(".") + ".")
    return refusal(exc)


def routes(core: Any) -> list[BaseRoute]:
    dispatch = Dispatch(core)
    core.on_startup.append(dispatch.start)
    core.on_shutdown.append(dispatch.stop)

    async def subscribe(request: Request) -> Response:
        principal = await operator(core, request)
        url, names = _target(await parse_body(request, Subscription))
        try:
            row = await core.db(webhooks.register, principal, url, names, _token(request))
        except DomainError as exc:
            raise _refused(exc) from None
        dispatch.wake()
        return data(render(row), 201)

    async def list_all(request: Request) -> Response:
        principal = await operator(core, request)
        win = window(request, refuse=None)
        rows = await core.db(webhooks.webhooks, principal)
        return json(listing(request, win, rows, lambda r: int(r["id"]), render))

    async def read(request: Request) -> Response:
        principal = await operator(core, request)
        hook_id = parse_id(request.path_params["notification"], "notification")
        with refusing():
            row = await core.db(webhooks.webhook_by_id, principal, hook_id, "notification")
        return data(render(row))

    async def update(request: Request) -> Response:
        principal = await operator(core, request)
        hook_id = parse_id(request.path_params["notification"], "notification")
        try:
            await core.db(webhooks.webhook_by_id, principal, hook_id, "notification")
            url, names = _target(await parse_body(request, Subscription))
            row = await core.db(webhooks.change, principal, hook_id, url, names,
                                "notification")  # fmt: skip
        except DomainError as exc:
            raise _refused(exc) from None
        return data(render(row))

    async def unsubscribe(request: Request) -> Response:
        principal = await operator(core, request)
        hook_id = parse_id(request.path_params["notification"], "notification")
        with refusing():
            await core.db(webhooks.delete_by_id, principal, hook_id, "notification")
        return Response(status_code=204)

    return [Route(PATH, subscribe, methods=["POST"]), Route(PATH, list_all, methods=["GET"]),
            Route(f"{PATH}/{{notification}}", read, methods=["GET"]),
            Route(f"{PATH}/{{notification}}", update, methods=["PUT"]),
            Route(f"{PATH}/{{notification}}", unsubscribe, methods=["DELETE"])]
