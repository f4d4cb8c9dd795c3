"""Process settings: every ``VOLTRA_*`` environment variable, read once per process.

The app, the embedded core and the simulated hardware all read their environment here
(``get_settings()``), so the README's list of variables and the code cannot drift apart, and a
bad value fails at start with the variable's name instead of being silently replaced.
User preferences (language, theme, chosen back end) are not here: they live in the app's
settings file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, PositiveFloat, PositiveInt, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


class VoltraSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="VOLTRA_", extra="ignore", frozen=True, populate_by_name=True
    )

    # -- app
    config_dir: Path | None = Field(
        None, description="where the app keeps settings.json (default: the user config dir)"
    )
    # Flet sets this on phones: the app's private storage, used when config_dir is unset.
    app_storage_dir: Path | None = Field(
        None, validation_alias=AliasChoices("FLET_APP_STORAGE_DATA", "app_storage_dir")
    )
    backend_url: str = Field(
        "http://10.0.2.2:8123",
        description="back end of phone builds until the driver picks one (the Android "
        "emulator's address of the build machine)",
    )
    tile_url: str = Field(
        OSM_TILES,
        description="map tiles, with the core's offline basemap where they fail; empty: the "
        "offline basemap alone (kiosks without internet)",
    )
    idle_timeout: PositiveFloat = Field(90.0, description="kiosk idle seconds before reset")

    # -- embedded core
    assets_dir: Path | None = Field(
        None, description="station images for non-editable installs (default: repo assets/)"
    )
    seeds_dir: Path | None = Field(None, description="the published API documents")
    remote_start_timeout: PositiveFloat = Field(
        120.0, description="seconds a remote start may wait for the vehicle"
    )
    minute_seconds: PositiveFloat = Field(
        60.0, description="length of a tariff / stopMinutes minute (tests and demos shorten it)"
    )
    ocpp_call_timeout: PositiveFloat = Field(30.0, description="seconds to wait for a charger")
    ocpp_heartbeat: PositiveFloat = Field(300.0, description="heartbeat interval sent at boot")
    ocpp_meter_interval: PositiveInt = Field(
        10, description="MeterValueSampleInterval set on every charger at boot (s)"
    )
    stale_session_grace: PositiveFloat = Field(
        120.0, description="seconds after Available before an open session there is closed"
    )
    demo_time_factor: PositiveFloat = Field(
        10_000.0, description="how much faster than its clock a demo charger's energy may flow"
    )
    meter_time_factor: PositiveFloat = Field(
        1.0, description="the same for chargers with their own credentials"
    )
    hash_threads: PositiveInt | None = Field(
        None, description="password hashing workers (default: half the cores)"
    )
    hash_queue: PositiveInt = Field(64, description="logins that may wait for a hashing worker")
    data_key: SecretStr | None = Field(
        None, description="Fernet key sealing sensitive account fields (else data_key_file)"
    )
    data_key_file: Path | None = Field(
        None, description="file holding that key (default: data.key in the user config dir)"
    )
    outbox_dir: Path | None = Field(
        None, description="where outgoing mail is written (default: outbox/ beside the db)"
    )
    webhook_hosts: str = Field(
        "", description="hosts webhooks may be registered for, comma separated (*.example.com "
        "for a domain's hosts)"
    )
    webhook_retry_s: PositiveFloat = Field(
        5.0, description="seconds before a failed webhook delivery is tried again (doubling)"
    )
    webhook_attempts: PositiveInt = Field(
        8, description="attempts at a webhook delivery before it is given up"
    )

    # -- simulated hardware
    core_url: str | None = Field(None, description="the core the simulator connects to")


def _env_name(field: object) -> str:
    name = str(field)
    return name if name.isupper() else f"VOLTRA_{name.upper()}"


class SettingsError(ValueError):
    """An environment variable holds a value its setting cannot take."""


@lru_cache(maxsize=1)
def get_settings() -> VoltraSettings:
    """The process's settings (read from the environment on first use)."""
    try:
        return VoltraSettings()
    except ValidationError as exc:
        problems = "; ".join(f"{_env_name(err['loc'][0])}: {err['msg']}" for err in exc.errors())
        raise SettingsError(problems) from None
