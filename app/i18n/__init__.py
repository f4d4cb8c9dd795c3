"""Translation catalogues (en, de) and the lookup every screen uses.

Catalogues are flat JSON files keyed by dotted names; a missing German key falls back to
English so a half-translated string never shows as a raw key.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "de")
_DIR = Path(__file__).parent


@cache
def catalogue(language: str) -> dict[str, str]:
    return json.loads((_DIR / f"{language}.json").read_text(encoding="utf-8"))


class Translator:
    def __init__(self, language: str = "en") -> None:
        self.language = language if language in LANGUAGES else "en"

    def __call__(self, key: str, **values: object) -> str:
        text = catalogue(self.language).get(key) or catalogue("en").get(key) or key
        return text.format(**values) if values else text
