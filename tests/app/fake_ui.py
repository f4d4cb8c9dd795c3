"""Developer harness: the real UI on the in-memory fake provider (no core needed).

python tests/app/fake_ui.py --port 8555 [--kiosk]
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

import flet as ft
from fake_provider import FakeProvider

from app.context import AppConfig
from app.ui import make_main

SITE = "site-1"  # --kiosk-site site-1: stations 1 and 2


async def opener(name: str, url: str, **options):
    provider = FakeProvider()
    for s in provider.stations[:2]:
        s.site_id = SITE
    return provider


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8555)
    p.add_argument("--kiosk", action="store_true")
    p.add_argument("--kiosk-site")
    p.add_argument("--idle", type=float, default=90)
    a = p.parse_args()
    config = AppConfig(
        kiosk=a.kiosk or bool(a.kiosk_site),
        kiosk_site=a.kiosk_site,
        base_url="http://fake",
        persist_settings=False,
        idle_timeout_s=a.idle,
    )
    ft.run(
        make_main(config, opener),
        view=ft.AppView.WEB_BROWSER,
        host="127.0.0.1",
        port=a.port,
        no_cdn=True,
    )
