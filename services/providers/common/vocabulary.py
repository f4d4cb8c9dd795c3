"""OCPP 1.6 / OCPI 2.x words for connector status, plugs, current and session states,
mapped to the neutral models. Back ends put these words (or near variants) in free-text
fields, so lookups are case-insensitive and ignore ``_`` and ``-``."""

from __future__ import annotations

from services import models as m


def _key(word: str | None) -> str:
    return (word or "").strip().lower().replace("_", "").replace("-", "").replace(" ", "")


# A reduced status some back ends publish next to the OCPP one (be.ENERGISED ``simple``).
SIMPLE_STATUS = {
    "available": m.ConnectorStatus.AVAILABLE,
    "occupied": m.ConnectorStatus.OCCUPIED,
    "unavailable": m.ConnectorStatus.OUT_OF_ORDER,
    "faulted": m.ConnectorStatus.OUT_OF_ORDER,
}

# OCPP 1.6 ChargePointStatus (StatusNotification.req).
OCPP_STATUS = {
    "available": m.ConnectorStatus.AVAILABLE,
    "preparing": m.ConnectorStatus.OCCUPIED,
    "charging": m.ConnectorStatus.OCCUPIED,
    "suspendedevse": m.ConnectorStatus.OCCUPIED,
    "suspendedev": m.ConnectorStatus.OCCUPIED,
    "finishing": m.ConnectorStatus.OCCUPIED,
    "reserved": m.ConnectorStatus.OCCUPIED,
    "unavailable": m.ConnectorStatus.OUT_OF_ORDER,
    "faulted": m.ConnectorStatus.OUT_OF_ORDER,
}

# OCPI 2.2 EVSE Status.
OCPI_STATUS = {
    "available": m.ConnectorStatus.AVAILABLE,
    "blocked": m.ConnectorStatus.OCCUPIED,
    "charging": m.ConnectorStatus.OCCUPIED,
    "reserved": m.ConnectorStatus.OCCUPIED,
    "inoperative": m.ConnectorStatus.OUT_OF_ORDER,
    "outoforder": m.ConnectorStatus.OUT_OF_ORDER,
    "planned": m.ConnectorStatus.UNKNOWN,
    "removed": m.ConnectorStatus.UNKNOWN,
    "unknown": m.ConnectorStatus.UNKNOWN,
}


def simple_status(word: str | None) -> m.ConnectorStatus:
    return SIMPLE_STATUS.get((word or "").lower(), m.ConnectorStatus.UNKNOWN)


def ocpp_status(word: str | None) -> m.ConnectorStatus:
    return OCPP_STATUS.get(_key(word), m.ConnectorStatus.UNKNOWN)


def ocpi_status(word: str | None) -> m.ConnectorStatus:
    return OCPI_STATUS.get(_key(word), m.ConnectorStatus.UNKNOWN)


# OCPI ConnectorType -> plug (the exact names; free text goes through plug_from_text).
OCPI_PLUG = {
    "IEC_62196_T2": m.PlugType.TYPE2,
    "IEC_62196_T2_COMBO": m.PlugType.CCS,
    "IEC_62196_T1_COMBO": m.PlugType.CCS,
    "CHADEMO": m.PlugType.CHADEMO,
    "DOMESTIC_F": m.PlugType.SCHUKO,
}


def plug_from_text(*parts: str | None) -> m.PlugType:
    """Plug names are free strings on most APIs; OCPI names and everyday names both occur
    (IEC_62196_T2, "Type 2", CCS2, IEC_62196_T2_COMBO, CHADEMO, DOMESTIC_F/Schuko)."""
    text = " ".join(x for x in parts if x).upper()
    text = text.replace("-", "_").replace(" ", "_")
    if "COMBO" in text or "CCS" in text:
        return m.PlugType.CCS
    if "CHADEMO" in text:
        return m.PlugType.CHADEMO
    if "SCHUKO" in text or "DOMESTIC_F" in text:
        return m.PlugType.SCHUKO
    if "T2" in text or "TYPE_2" in text or "TYPE2" in text or "MENNEKES" in text:
        return m.PlugType.TYPE2
    return m.PlugType.OTHER


def current_from_text(word: str | None) -> m.CurrentType | None:
    """OCPI PowerType (AC_1_PHASE, AC_3_PHASE, DC) and the like: the prefix decides."""
    value = (word or "").upper()
    if value.startswith("DC"):
        return m.CurrentType.DC
    if value.startswith("AC"):
        return m.CurrentType.AC
    return None


# Session state words: the core's state machine (requested, accepted, charging, stopping,
# finished, failed), OCPI SessionStatus (ACTIVE, COMPLETED, INVALID, PENDING, RESERVATION)
# and OCPP connector states seen on a running transaction.
SESSION_STATE = {
    "requested": m.SessionState.REQUESTED,
    "pending": m.SessionState.REQUESTED,
    "accepted": m.SessionState.ACCEPTED,
    "preparing": m.SessionState.ACCEPTED,
    "charging": m.SessionState.CHARGING,
    "started": m.SessionState.CHARGING,
    "active": m.SessionState.CHARGING,
    "running": m.SessionState.CHARGING,
    "suspended": m.SessionState.CHARGING,
    "suspendedev": m.SessionState.CHARGING,
    "stopping": m.SessionState.STOPPING,
    "finishing": m.SessionState.STOPPING,
    "finished": m.SessionState.FINISHED,
    "stopped": m.SessionState.FINISHED,
    "completed": m.SessionState.FINISHED,
    "ended": m.SessionState.FINISHED,
    "failed": m.SessionState.FAILED,
    "rejected": m.SessionState.FAILED,
    "error": m.SessionState.FAILED,
}


def session_state(word: str) -> m.SessionState:
    """An unknown non-empty word reads as charging (the session exists and is not over);
    an empty one as failed."""
    return SESSION_STATE.get(
        word.strip().lower().replace("_", ""),
        m.SessionState.CHARGING if word.strip() else m.SessionState.FAILED,
    )
