"""The demo sign-ins of the embedded core's five APIs (README "Partners and API keys": demo
data only, published, never valid on a real back end)."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.models import Credentials

# Where the embedded core serves each API below its own URL (DESIGN.md); others at the root.
CORE_PATHS = {"gpjoule": "/gpjoule", "wirelane": "/wirelane"}


@dataclass(frozen=True)
class DemoLogin:
    credentials: Credentials
    options: dict[str, str] = field(default_factory=dict)  # the app's OAuth client
    name: str = ""


DEMO_LOGINS: dict[str, DemoLogin] = {
    "beenergised": DemoLogin(
        Credentials(username="driver@example.com", password="driver-demo"),  # noqa: S106
        name="Demo driver (be.ENERGISED)",
    ),
    "gpjoule": DemoLogin(
        Credentials(username="driver@example.com", api_key="gpjoule-demo-key"),
        name="Demo region (GP JOULE)",
    ),
    "wirelane": DemoLogin(
        Credentials(username="fleet@example.com", password="fleet-demo"),  # noqa: S106
        {"client_id": "voltra-demo", "client_secret": "voltra-demo-secret"},
        name="Work fleet (Wirelane)",
    ),
    "ampeco": DemoLogin(
        Credentials(username="driver@example.com", api_key="ampeco-demo-token"),
        name="Demo operator (AMPECO)",
    ),
    "plugsurfing": DemoLogin(
        Credentials(
            username="driver@example.com",
            password="driver-demo",  # noqa: S106
            api_key="oioi-demo-oem-key",
        ),
        name="Roaming (Plugsurfing)",
    ),
}


def core_url_for(provider: str, core_url: str) -> str:
    """The base URL of ``provider``'s API on the embedded core at ``core_url``."""
    return core_url.rstrip("/") + CORE_PATHS.get(provider, "")
