"""The map's base layer: online tiles (VOLTRA_TILE_URL, OpenStreetMap by default) with the
core's offline basemap (``/tiles/{style}/...``) behind them, so the map still shows land,
water, borders and towns when the online tiles cannot be reached; the offline basemap alone
when no tile URL is set (kiosks without internet)."""

from __future__ import annotations

import flet as ft
import flet_map as fm


def offline_tiles_url(core_url: str | None, dark: bool) -> str | None:
    if not core_url:
        return None
    style = "dark" if dark else "light"
    return f"{core_url.rstrip('/')}/tiles/{style}/{{z}}/{{x}}/{{y}}.png"


def is_dark(theme: str, page: ft.Page | None) -> bool:
    if theme in ("light", "dark"):
        return theme == "dark"
    return getattr(page, "platform_brightness", None) == ft.Brightness.DARK


def base_layer(tile_url: str, core_url: str | None, *, dark: bool) -> fm.TileLayer | None:
    """None when there is neither: the map then shows markers on its background colour."""
    offline = offline_tiles_url(core_url, dark)
    primary = tile_url or offline
    if primary is None:
        return None
    return fm.TileLayer(
        url_template=primary,
        # flutter_map asks the fallback for every tile the primary fails to deliver
        fallback_url=offline if primary != offline else None,
        user_agent_package_name="app.voltra",
    )
