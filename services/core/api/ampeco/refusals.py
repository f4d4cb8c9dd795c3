"""The domain's refusals in AMPECO's words: what does not exist (or belongs to another
operator) is 404 ``{"message"}``; input the domain refuses is 422 naming the field as the
client wrote it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from services.core.api.ampeco.errors import invalid
from services.core.api.rest.errors import ApiError
from services.core.domain.errors import DomainError, NotFound


def refusal(exc: DomainError, names: dict[str, str] | None = None) -> ApiError:
    """``names`` maps the domain's field names to the request's (e.g. ``tag`` -> ``idTagUid``)."""
    if isinstance(exc, NotFound):
        return ApiError(404, exc.message.split(": ", 1)[-1][:1].upper()
                        + exc.message.split(": ", 1)[-1][1:] + ".")
    field = (names or {}).get(exc.field or "", exc.field or "body")
    reason = getattr(exc, "reason", None) or exc.message.split(": ", 1)[-1]
    return invalid(field, reason.rstrip(".") + ".")


@contextlib.contextmanager
def refusing(names: dict[str, str] | None = None) -> Iterator[None]:
    """The block's DomainError raised as the document's refusal (see :func:`refusal`)."""
    try:
        yield
    except DomainError as exc:
        raise refusal(exc, names) from None
