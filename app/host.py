"""What a screen needs from the window it is shown in (the shell implements it).

Screens depend on this protocol, never on the shell module: the shell imports the screens,
and a screen can be shown by any host (the shell, a test page).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import flet as ft

    from app.context import AppContext
    from app.viewmodels.account_vm import AccountViewModel
    from app.viewmodels.cards_vm import CardsViewModel
    from app.viewmodels.charging_vm import ChargingViewModel
    from app.viewmodels.free_alert import FreeAlerts
    from app.viewmodels.history_vm import HistoryViewModel
    from app.viewmodels.map_vm import MapViewModel
    from app.viewmodels.payment_vm import PaymentViewModel
    from app.viewmodels.services_vm import ChargingServicesViewModel
    from services.models import Station


class Host(Protocol):
    page: ft.Page
    # The provider, settings, translator and logged-in driver of this window
    ctx: AppContext
    # A phone-sized window (bottom navigation bar, list and map as alternatives)
    narrow: bool
    # The station a list row or marker was tapped on, shown while its detail loads
    station_seed: Station | None

    # One view model per tab, shared by the screens that show it
    map_vm: MapViewModel
    charging_vm: ChargingViewModel
    cards_vm: CardsViewModel
    history_vm: HistoryViewModel
    account_vm: AccountViewModel
    # Account -> Charging services (several accounts at once)
    services_vm: ChargingServicesViewModel
    # "Notify me when this station frees up", across screens
    free_alerts: FreeAlerts
    # Pay as you go (hosted payment page) for drivers without a card
    payment_vm: PaymentViewModel

    def go(self, route: str) -> None:
        """Navigate to a route ("/map", "/station/<id>", ...)."""

    def run(self, coro: Awaitable) -> None:
        """Run a view-model coroutine from a tap; failures are logged, never raised."""

    def snack(self, text: str | None) -> None:
        """Show a short message at the bottom of the window."""

    def touch(self) -> None:
        """The driver did something (resets the kiosk idle timer)."""
