"""Colours and themes: one seed colour, Material 3, status colours shared by every screen."""

from __future__ import annotations

import flet as ft

from services.models import CardStatus, ConnectorStatus

SEED = "#0A7C66"  # deep electric teal: calm, readable on both themes

STATUS_COLOURS = {
    ConnectorStatus.AVAILABLE: "#16A34A",
    ConnectorStatus.OCCUPIED: "#2563EB",
    ConnectorStatus.OUT_OF_ORDER: "#DC2626",
    ConnectorStatus.UNKNOWN: "#8A94A6",
}

STATUS_ICONS = {
    ConnectorStatus.AVAILABLE: ft.Icons.CHECK_CIRCLE,
    ConnectorStatus.OCCUPIED: ft.Icons.BOLT,
    ConnectorStatus.OUT_OF_ORDER: ft.Icons.ERROR,
    ConnectorStatus.UNKNOWN: ft.Icons.HELP,
}

CARD_STATUS_COLOURS = {
    CardStatus.ACTIVE: "#16A34A",
    CardStatus.BLOCKED: "#DC2626",
    CardStatus.EXPIRED: "#8A94A6",
}

ENERGY_COLOUR = "#0EA5E9"
POWER_COLOUR = "#F59E0B"
SOC_COLOUR = "#16A34A"

NARROW_MAX = 720  # below this width: bottom navigation bar; above: rail


def theme(kiosk: bool = False) -> ft.Theme:
    return ft.Theme(
        color_scheme_seed=SEED,
        use_material3=True,
        visual_density=ft.VisualDensity.COMFORTABLE if kiosk else None,
    )


def dark_theme(kiosk: bool = False) -> ft.Theme:
    return ft.Theme(
        color_scheme_seed=SEED,
        use_material3=True,
        visual_density=ft.VisualDensity.COMFORTABLE if kiosk else None,
    )


def theme_mode(name: str) -> ft.ThemeMode:
    return {"light": ft.ThemeMode.LIGHT, "dark": ft.ThemeMode.DARK}.get(name, ft.ThemeMode.SYSTEM)
