"""The simulator's charger passwords.

A simulated charger of the demo database authenticates with its demo password:
HMAC-SHA256(secret, charger id), first 32 hex digits, with the fixed, public demo secret
the core's demo data uses (documented in the README; it protects nothing and is meant for
demo databases only). A charger provisioned with its own password gets it passed explicitly
(``StationSpec.password``).
"""

from __future__ import annotations

import hashlib
import hmac

DEMO_CHARGER_SECRET = b"voltra-demo-chargers-v1"


def demo_password(identity: str) -> str:
    return hmac.new(DEMO_CHARGER_SECRET, identity.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
