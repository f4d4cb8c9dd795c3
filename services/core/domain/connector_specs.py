"""Electrical figures and access of a connector where none were recorded: a connector
created through a partner API may state its voltage, current and how drivers authenticate;
the catalogue's connectors are described by these rules.

AC connectors run at 230 V per phase, three-phase above 3.7 kW (400 V between phases is
not what a plate shows per phase); DC connectors at 400 V below 150 kW, 800 V from there.
"""

from __future__ import annotations

import json
from typing import Any

AUTH_TYPES = ("card", "remote", "nfc_terminal", "direct")
DEFAULT_AUTH_TYPES = ("card", "remote")


def voltage(current_type: str, power_kw: float) -> int:
    if current_type == "DC":
        return 800 if power_kw >= 150 else 400
    return 230


def current(current_type: str, power_kw: float) -> int:
    """Amperes per phase at full power."""
    volts = voltage(current_type, power_kw)
    phases = 3 if current_type == "AC" and power_kw > 3.7 else 1
    return round(power_kw * 1000 / (volts * phases))


# SQL twins over connectors c (for ordering), with a stated value first.
VOLTAGE_SQL = ("COALESCE(json_extract(c.details, '$.voltage'), CASE WHEN c.current_type = 'DC'"
               " THEN (CASE WHEN c.max_power_kw >= 150 THEN 800 ELSE 400 END) ELSE 230 END)")
CURRENT_SQL = ("COALESCE(json_extract(c.details, '$.current'), ROUND(c.max_power_kw * 1000.0 / ("
               "CASE WHEN c.current_type = 'DC' THEN (CASE WHEN c.max_power_kw >= 150 THEN 800"
               " ELSE 400 END) WHEN c.max_power_kw > 3.7 THEN 690 ELSE 230 END)))")


def details(row: dict[str, Any]) -> dict[str, Any]:
    """A connector row's stated details (``details`` JSON: serial_number, voltage, current,
    payment_url, timezone, service_hotline), empty when none."""
    raw = row.get("details")
    if not raw:
        return {}
    value = json.loads(raw)
    return value if isinstance(value, dict) else {}


def auth_types(row: dict[str, Any]) -> list[str]:
    stored = row.get("auth_types")
    return stored.split() if stored else list(DEFAULT_AUTH_TYPES)


def stated_voltage(row: dict[str, Any]) -> int:
    value = details(row).get("voltage")
    return int(value) if value is not None else voltage(row["current_type"],
                                                        float(row["max_power_kw"]))


def stated_current(row: dict[str, Any]) -> int:
    value = details(row).get("current")
    return int(value) if value is not None else current(row["current_type"],
                                                        float(row["max_power_kw"]))
