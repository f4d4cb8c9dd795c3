"""Stage the client app for `flet build`: copy app/ and services/ (without the embedded
core, the simulator and tests) into build/mobile/. Run from the repository root."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "build" / "mobile"
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "core", "hardware")


def main() -> None:
    for name in ("app", "services"):
        dest = TARGET / name
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(ROOT / name, dest, ignore=SKIP)
    assets = TARGET / "assets"
    if assets.exists():
        shutil.rmtree(assets)
    shutil.copytree(ROOT / "assets", assets, ignore=shutil.ignore_patterns("screenshots"))
    print(f"staged app + services (client side) in {TARGET}")


if __name__ == "__main__":
    main()
