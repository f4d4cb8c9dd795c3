"""OCPP-J 1.6 frames from a charger: parsed, checked against the OCPP 1.6 JSON schemas.

The schemas are the ones shipped inside the installed ``ocpp`` package, compiled once with
fastjsonschema (a compiled validator costs microseconds per message; the ``ocpp`` library's
own path validates in a worker thread and does not keep up with a thousand chargers).

Error codes follow OCPP-J 1.6 section 4.2.3:
- NotImplemented: the action is not an OCPP 1.6 action at all;
- NotSupported: an OCPP 1.6 action the central system does not take from a charger;
- FormationViolation: not a CALL of the right shape, a payload that is not an object,
  properties the schema does not define, NaN/Infinity, a binary frame;
- OccurenceConstraintViolation: a required field is missing (1.6 spells it this way);
- TypeConstraintViolation: a field of the wrong type;
- PropertyConstraintViolation: a value outside its enum, length or range.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema
import ocpp

CALL, CALLRESULT, CALLERROR = 2, 3, 4
MAX_FRAME_CHARS = 256 * 1024  # far beyond any real 1.6 message; bigger ones are not parsed
LOG_PREFIX_CHARS = 200
MAX_ID_CHARS = 36  # OCPP-J: the unique id is at most 36 characters

# What a charger may send to the central system (OCPP 1.6 core, firmware management,
# local list and security-extension profiles; the rest are central system -> charger).
ACCEPTED_ACTIONS = frozenset(
    {
        "Authorize",
        "BootNotification",
        "DataTransfer",
        "DiagnosticsStatusNotification",
        "FirmwareStatusNotification",
        "Heartbeat",
        "MeterValues",
        "StartTransaction",
        "StatusNotification",
        "StopTransaction",
    }
)

_SCHEMA_DIR = Path(ocpp.__file__).parent / "v16" / "schemas"
_ID_PREFIX = re.compile(r'\s*\[\s*[234]\s*,\s*"([^"\\]{1,36})"')


def _compile_all() -> tuple[dict[str, Any], frozenset[str]]:
    validators, known = {}, set()
    for path in sorted(_SCHEMA_DIR.glob("*.json")):
        name = path.stem
        if name.endswith("Response"):
            continue
        known.add(name)
        if name in ACCEPTED_ACTIONS:
            schema = json.loads(path.read_text(encoding="utf-8"))
            schema.pop("$schema", None)  # draft-04, which fastjsonschema reads by default
            validators[name] = fastjsonschema.compile(schema)
    return validators, frozenset(known)


_VALIDATORS, KNOWN_ACTIONS = _compile_all()


class FrameError(Exception):
    """A frame answered with a CALLERROR (``unique_id`` set) or ignored (None)."""

    def __init__(self, code: str, description: str, unique_id: str | None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.unique_id = unique_id


@dataclass(frozen=True)
class Call:
    unique_id: str
    action: str
    payload: dict[str, Any]


def prefix(raw: str | bytes) -> str:
    """What may be logged of anything a charger sent: a bounded, printable prefix."""
    text = raw if isinstance(raw, str) else raw[:LOG_PREFIX_CHARS].decode("latin-1")
    head = text[:LOG_PREFIX_CHARS].encode("unicode_escape").decode("ascii")
    more = len(raw) - LOG_PREFIX_CHARS
    return head + (f"... ({more} more)" if more > 0 else "")


def unique_id_of(raw: str) -> str | None:
    """The message id of a frame that may not parse, when it can be read off its start."""
    m = _ID_PREFIX.match(raw[:64])
    return m.group(1) if m else None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_decoder = json.JSONDecoder(parse_constant=_reject_constant)


def parse(raw: str) -> list[Any]:
    """The frame as a list with a usable id, or FrameError."""
    if len(raw) > MAX_FRAME_CHARS:
        raise FrameError(
            "FormationViolation",
            f"frame of {len(raw)} characters exceeds {MAX_FRAME_CHARS}",
            unique_id_of(raw),
        )
    try:
        msg = _decoder.decode(raw)
    except RecursionError:
        raise FrameError("FormationViolation", "nested too deeply", unique_id_of(raw)) from None
    except ValueError as exc:
        raise FrameError("FormationViolation", f"not JSON: {exc}", unique_id_of(raw)) from None
    if not isinstance(msg, list) or len(msg) < 3:
        raise FrameError("FormationViolation", "not an OCPP-J message array", None)
    uid = msg[1]
    if not isinstance(uid, str) or not uid or len(uid) > MAX_ID_CHARS:
        raise FrameError("FormationViolation", "unique id: must be a string of 1-36", None)
    if type(msg[0]) is not int or msg[0] not in (CALL, CALLRESULT, CALLERROR):
        # OCPP-J 4.1.3: a message type the receiver does not know is ignored.
        raise FrameError("FormationViolation", f"unknown message type {msg[0]!r}", None)
    return msg


def check_call(msg: list[Any]) -> Call:
    """A parsed CALL whose payload conforms to its action's schema, or FrameError."""
    uid = msg[1]
    if len(msg) != 4:
        raise FrameError("FormationViolation", "CALL: must have 4 elements", uid)
    action, payload = msg[2], msg[3]
    if not isinstance(action, str):
        raise FrameError("FormationViolation", "action: must be a string", uid)
    if action not in ACCEPTED_ACTIONS:
        if action in KNOWN_ACTIONS:
            raise FrameError("NotSupported", f"{action[:40]}: not accepted from a charger", uid)
        raise FrameError("NotImplemented", f"{action[:40]!r}: not an OCPP 1.6 action", uid)
    if not isinstance(payload, dict):
        raise FrameError("FormationViolation", "payload: must be an object", uid)
    try:
        _VALIDATORS[action](payload)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise FrameError(_code_for(exc.rule), _describe(exc), uid) from None
    return Call(uid, action, payload)


_RULE_CODES = {
    "type": "TypeConstraintViolation",
    "required": "OccurenceConstraintViolation",
    "additionalProperties": "FormationViolation",
}


def _code_for(rule: str | None) -> str:
    return _RULE_CODES.get(rule or "", "PropertyConstraintViolation")


def _describe(exc: fastjsonschema.JsonSchemaValueException) -> str:
    field = (exc.name or "data").removeprefix("data").lstrip(".") or "payload"
    reason = str(exc.message).removeprefix(exc.name or "").strip()
    return f"{field[:80]}: {reason[:160]}"


def call_error(unique_id: str, code: str, description: str) -> str:
    return json.dumps([CALLERROR, unique_id, code, description, {}], separators=(",", ":"))


def call_result(unique_id: str, payload: dict[str, Any]) -> str:
    return json.dumps([CALLRESULT, unique_id, payload], separators=(",", ":"))
