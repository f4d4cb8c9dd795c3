"""OIOI CPO role against the core."""

from __future__ import annotations

EXAMPLES: set[str] = set()
