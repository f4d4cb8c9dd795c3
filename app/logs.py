"""What the `voltra` console shows: Voltra's own messages and real problems.

Every HTTP request the app makes (httpx), every static file the web UI serves (uvicorn's
access log) and every browser session Flet opens would otherwise bury them. A browser tab
that closes or reloads mid-message is normal, not an "Exception in ASGI application".
"""

from __future__ import annotations

import logging

# Third-party loggers that report routine traffic at INFO
ROUTINE = ("httpx", "httpcore", "flet", "flet_web", "flet_transport", "flet_controls",
           "flet_object_patch", "websockets", "uvicorn.access",
           # uvicorn.error also says "connection open/closed" for every browser WebSocket
           "uvicorn.error")
# What a browser that went away raises while the UI still sends to it
GONE = {"WebSocketDisconnect", "ClientDisconnected", "ConnectionClosedOK", "ConnectionClosedError"}


class AtLeast(logging.Filter):
    """Drops records below a level. A filter, not a level: uvicorn resets its loggers'
    levels when the web server starts, but keeps their filters."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


class BrowserGone(logging.Filter):
    """Drops the traceback of a send to a browser that disconnected (reload, tab closed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None:
            if type(exc).__name__ in GONE:
                logging.getLogger("voltra").debug("a browser disconnected mid-message")
                return False
            exc = exc.__cause__ or exc.__context__
        return True


def configure(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # -v is for Voltra's own modules; the routine traffic stays at WARNING either way
    # (Flet's debug log alone repeats every control diff).
    for name in ROUTINE:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        logger.addFilter(AtLeast(logging.WARNING))
    logging.getLogger("uvicorn.error").addFilter(BrowserGone())
