"""User settings (language, theme, units, back end): a small JSON file, never secrets."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import platformdirs

from services.settings import get_settings


@dataclass
class Settings:
    language: str = "en"
    theme: str = "system"  # light | dark | system
    units: str = "km"  # km | mi
    provider: str = "beenergised"
    url: str | None = None  # None: the embedded core
    last_card_id: str | None = None
    vehicle_plugs: list[str] = field(default_factory=list)  # PlugType values of my car
    # The session every account's price is compared on (station screen, "cheapest for me")
    typical_kwh: float = 30.0
    typical_minutes: int = 45


def settings_path() -> Path:
    env = get_settings()
    base = env.config_dir or env.app_storage_dir or platformdirs.user_config_dir("voltra")
    return Path(base) / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in raw.items() if k in known})


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
    tmp.replace(path)  # atomic: a crash never leaves half a settings file
