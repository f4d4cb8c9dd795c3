"""Entry point for packaged builds (`flet build apk/ipa/...`): no embedded core on a phone,
the app talks to the back end configured in Settings (or VOLTRA_BACKEND_URL at build time)."""

from __future__ import annotations

import flet as ft

from app.context import AppConfig
from app.settings import load_settings
from app.ui import make_main
from services.settings import get_settings


def config() -> AppConfig:
    # On a phone the settings file lives in Flet's app storage (app.settings.settings_path).
    settings = load_settings()
    return AppConfig(
        demo=False,
        provider_name=settings.provider,
        base_url=settings.url or get_settings().backend_url,
    )


def main() -> None:
    ft.run(make_main(config()))


if __name__ == "__main__":
    main()
