"""AMPECO answers: JSON via orjson, timestamps in the form of the document's response
examples (``2025-01-15T10:00:00+00:00``: UTC, whole seconds)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.responses import Response


def json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def data(item: Any, status: int = 200) -> Response:
    """A single resource, wrapped as every AMPECO read answers it."""
    return json({"data": item}, status)


def timestamp(value: str | datetime | None) -> str | None:
    """The store's ISO-8601 text (or a datetime) in the document's form; None stays None."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(
        value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")
