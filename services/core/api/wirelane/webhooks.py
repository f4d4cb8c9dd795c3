"""``…/webhooks``: the organisation's callback URLs. The document names the operation only
("forwards an organization event to the defined callback"), so the shapes are this core's
reading (README):

- ``POST …/webhooks`` ``{"url", "events"?}`` -> 201 ``{"id", "url", "events", "active",
  "creation_date", "secret"}`` (the signing secret, shown this once);
- ``GET …/webhooks`` (bare array, no secrets), ``GET …/webhooks/{webhookId}`` (with its
  latest ``deliveries``), ``DELETE …/webhooks/{webhookId}`` -> 204.

Events: ``session.started``, ``session.ended``, ``point.status_changed`` (the
organisation's own points). Deliveries: see ``webhook_dispatch``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.core.api.rest.auth import BearerAuth
from services.core.api.rest.body import parse_body
from services.core.api.rest.errors import field_error
from services.core.api.wirelane import params as p
from services.core.api.wirelane import vocabulary as words
from services.core.api.wirelane.access import organisation_admin
from services.core.domain.errors import DomainError
from services.core.services import webhooks
from services.core.services.webhooks import EVENTS

Event = Literal["session.started", "session.ended", "point.status_changed"]


class WebhookBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Annotated[str, Field(min_length=1, max_length=2000)]
    events: Annotated[list[Event], Field(min_length=1, max_length=3)] | None = None


def render(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["uuid"], "url": row["url"], "events": row["events"].split(),
            "active": bool(row["active"]), "creation_date": words.timestamp(row["created_at"])}


def render_delivery(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["uuid"], "event": row["event"], "attempts": row["attempts"],
            "delivered": row["delivered_at"] is not None,
            "delivery_date": words.timestamp(row["delivered_at"]),
            "next_attempt_date": words.timestamp(row["next_attempt_at"]),
            "last_error": row["last_error"], "creation_date": words.timestamp(row["created_at"])}


def _refusal(exc: DomainError) -> Exception:
    status = 404 if exc.http_status == 404 else 422
    return field_error(status, exc.field or "body", getattr(exc, "reason", None) or
                       exc.message.split(": ", 1)[-1])


def handlers(core: Any, auth: BearerAuth, wake: Any) -> dict[str, Any]:
    async def list_hooks(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        rows = await core.db(webhooks.webhooks, holder.principal)
        return JSONResponse([render(r) for r in rows])

    async def create(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        body = await parse_body(request, WebhookBody)
        events = tuple(dict.fromkeys(body.events)) if body.events else EVENTS
        try:
            row = await core.db(webhooks.register, holder.principal, body.url, events)
        except DomainError as exc:
            raise _refusal(exc) from None
        wake()
        return JSONResponse({**render(row), "secret": row["secret"]}, status_code=201)

    def _hook_id(request: Request) -> str:
        return p.path_id(request.path_params["webhookId"], "webhookId")

    async def get_hook(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        try:
            row, deliveries = await core.db(webhooks.webhook, holder.principal,
                                            _hook_id(request))
        except DomainError as exc:
            raise _refusal(exc) from None
        return JSONResponse({**render(row),
                             "deliveries": [render_delivery(d) for d in deliveries]})

    async def delete(request: Request) -> Response:
        holder = await organisation_admin(request, auth)
        try:
            await core.db(webhooks.delete, holder.principal, _hook_id(request))
        except DomainError as exc:
            raise _refusal(exc) from None
        return Response(status_code=204)

    return {"list": list_hooks, "create": create, "get": get_hook, "delete": delete}
