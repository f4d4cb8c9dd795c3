"""The small observer base every view model uses, and error-to-message translation."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from app.i18n import Translator
from services.provider import ConnectorUnavailable, ProviderError

log = logging.getLogger(__name__)


class ViewModel:
    """Holds state; screens subscribe and redraw on ``notify()``."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []
        self.busy = False
        self.error: str | None = None

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def notify(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:  # a dead screen must not break the others
                log.exception("view listener failed")

    async def attempt(self, t: Translator, work: Awaitable[object]) -> bool:
        """Awaits ``work`` while busy (listeners hear when it starts and ends); a
        ProviderError it raises becomes ``error``, the driver-readable message. True when
        it succeeded."""
        self.busy, self.error = True, None
        self.notify()
        try:
            await work
        except ProviderError as exc:
            self.error = error_message(t, exc)
            return False
        finally:
            self.busy = False
            self.notify()
        return True


def error_message(t: Translator, exc: Exception) -> str:
    """A driver-readable, translated message for any provider error."""
    if isinstance(exc, ConnectorUnavailable):
        key = f"error.CONNECTOR_UNAVAILABLE.{exc.reason}"
        text = t(key)
        if text != key:
            return text
    if isinstance(exc, ProviderError):
        key = f"error.{exc.code}"
        text = t(key)
        if text != key:
            # Input errors carry the field and reason from the back end: keep them.
            return f"{text} {exc.message}" if exc.code == "INVALID_INPUT" else text
        return exc.message
    log.exception("unexpected error", exc_info=exc)
    return t("error.unexpected")
