"""Entry point for packaged builds (`flet build apk/ipa/...`): no embedded core on a phone,
the app talks to the back end configured in Settings (or VOLTRA_BACKEND_URL at build time)."""

from __future__ import annotations

import os

import flet as ft

from app.context import AppConfig
from app.settings import load_settings
from app.ui import make_main

DEFAULT_BACKEND = os.environ.get("VOLTRA_BACKEND_URL", "http://10.0.2.2:8123")


def config() -> AppConfig:
    # Flet sets FLET_APP_STORAGE_DATA on mobile: keep settings there (never secrets).
    if data := os.environ.get("FLET_APP_STORAGE_DATA"):
        os.environ.setdefault("VOLTRA_CONFIG_DIR", data)
    settings = load_settings()
    return AppConfig(
        demo=False,
        provider_name=settings.provider,
        base_url=settings.url or DEFAULT_BACKEND,
    )


def main() -> None:
    ft.run(make_main(config()))


if __name__ == "__main__":
    main()
