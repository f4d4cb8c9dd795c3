"""Log lines of the core stay small whatever clients send.

Anything a client sends (a GraphQL document, an OCPP frame, a header) can end up in a log
line as an argument, and an error deep inside a parser carries a traceback as long as the
input was deep. ``clip`` shortens one value for a log line; ``ClipClientData`` (a logging
filter, installed on the core's handlers by ``install``) shortens every argument, the whole
message and the traceback of each record, keeping the start and the end.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from typing import Any

MAX_ARG_CHARS = 300
MAX_MESSAGE_CHARS = 2_000
MAX_TRACEBACK_CHARS = 8_000


def clip(value: Any, limit: int = MAX_ARG_CHARS) -> str:
    """``value`` as text of at most about ``limit`` characters: its start, then how much was
    left out."""
    if isinstance(value, bytes | bytearray | memoryview):
        text = bytes(value[: limit * 4]).decode("utf-8", "replace")
        total = len(value)
        unit = "bytes"
    else:
        text = value if isinstance(value, str) else str(value)
        total = len(text)
        unit = "chars"
    if total <= limit and len(text) <= limit:
        return text
    return f"{text[:limit]}… [{total - limit} more {unit}]"


def clip_middle(text: str, limit: int) -> str:
    """Keep the start and the end (a traceback's first frames and the error itself)."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n… [{len(text) - 2 * half} chars left out] …\n{text[-half:]}"


def _clip_arg(arg: Any) -> Any:
    if isinstance(arg, str | bytes | bytearray | memoryview):
        return clip(arg) if len(arg) > MAX_ARG_CHARS else arg
    if isinstance(arg, int | float | bool | type(None)):
        return arg
    # anything else is formatted now so that its text, not the object, is what gets clipped
    text = str(arg)
    return clip(text) if len(text) > MAX_ARG_CHARS else text


class ClipClientData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            if isinstance(record.args, dict):
                record.args = {k: _clip_arg(v) for k, v in record.args.items()}
            else:
                record.args = tuple(_clip_arg(a) for a in record.args)
        if not isinstance(record.msg, str) or len(record.msg) > MAX_MESSAGE_CHARS:
            try:
                message = record.getMessage()
            except (TypeError, ValueError):
                message = str(record.msg)
            record.msg, record.args = clip(message, MAX_MESSAGE_CHARS), None
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = clip_middle(text, MAX_TRACEBACK_CHARS)
        elif record.exc_text:
            record.exc_text = clip_middle(record.exc_text, MAX_TRACEBACK_CHARS)
        if record.stack_info:
            record.stack_info = clip_middle(record.stack_info, MAX_TRACEBACK_CHARS)
        return True


def install(logger_names: Iterable[str] = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
            ) -> None:
    """Add the filter to every handler of these loggers (once)."""
    for name in logger_names:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, ClipClientData) for f in handler.filters):
                handler.addFilter(ClipClientData())
