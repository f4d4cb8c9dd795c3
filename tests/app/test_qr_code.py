"""Scanning a charger's QR code: the EVSE ID read from photos of generated codes (bare or
inside a link), bad photos told in words, and the scan leading to the connector on the
real core."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image, ImageDraw

from app.context import AppConfig, AppContext, open_provider
from app.settings import Settings
from app.viewmodels.map_vm import MapViewModel
from app.viewmodels.qr_code import (
    MAX_IMAGE_BYTES,
    MAX_PIXELS,
    QrProblem,
    evse_from_image,
    evse_from_text,
)
from services.models import Coordinates, Credentials


def qr_photo(text: str, *, kind: str = "png", scale: int = 8, canvas: int = 0) -> bytes:
    """A QR code as a photo: the code alone, or on a larger printed page if `canvas`."""
    code = io.BytesIO()
    segno.make(text, error="m").save(code, kind="png", scale=scale, border=4)
    img = Image.open(io.BytesIO(code.getvalue())).convert("RGB")
    if canvas:
        page = Image.new("RGB", (canvas, canvas), (236, 232, 220))
        ImageDraw.Draw(page).text((20, 20), "Ladepunkt 2", fill=(40, 40, 40))
        page.paste(img, ((canvas - img.width) // 2, (canvas - img.height) // 2))
        img = page
    out = io.BytesIO()
    img.save(out, format="JPEG" if kind == "jpeg" else "PNG", quality=85)
    return out.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        "DE*VOL*E0001*2",
        "de*vol*e0001*2",
        "https://charge.example.com/evse/DE%2AVOL%2AE0001%2A2",
        "https://charge.example.com/sites/DE*VOL*S0001/DE*VOL*E0001*2",
        "https://app.example.com/start?utm_source=sticker&evseId=DE*VOL*E0001*2",
        "HTTPS://APP.EXAMPLE.COM/START?EVSE=DE%2AVOL%2AE0001%2A2",
    ],
)
def test_the_evse_id_is_read_bare_or_from_a_link(text):
    assert evse_from_image(qr_photo(text)) == "DE*VOL*E0001*2"


def test_a_jpeg_photo_with_the_code_in_the_middle_of_the_page_is_read():
    photo = qr_photo("DE*VOL*E0001*2", kind="jpeg", scale=6, canvas=2400)
    assert evse_from_image(photo) == "DE*VOL*E0001*2"


def test_ids_without_separators_and_other_forms_of_text():
    assert evse_from_text("DEVOLE00012") == "DEVOLE00012"
    assert evse_from_text("  CH-1234  ") == "CH-1234"  # an operator's own ID goes to the lookup
    assert evse_from_text("https://example.com/about-us") is None
    assert evse_from_text("Welcome to our charging park!") is None
    assert evse_from_text("https://example.com/x?id=" + "A" * 5000) is None


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "qr.not_image"),
        (b"this is not an image at all", "qr.not_image"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "qr.not_image"),
        (b"\0" * (MAX_IMAGE_BYTES + 1), "qr.too_big"),
    ],
)
def test_what_is_not_a_readable_photo_is_told(data, key):
    with pytest.raises(QrProblem) as caught:
        evse_from_image(data)
    assert caught.value.key == key


def test_a_photo_of_too_many_pixels_is_refused_before_decoding():
    side = int(MAX_PIXELS**0.5) + 10
    out = io.BytesIO()
    Image.new("1", (side, side), 1).save(out, format="PNG")  # small file, huge image
    assert len(out.getvalue()) < MAX_IMAGE_BYTES
    with pytest.raises(QrProblem) as caught:
        evse_from_image(out.getvalue())
    assert caught.value.key == "qr.too_big"


def test_a_photo_without_a_code_or_with_a_code_of_no_id_is_told():
    blank = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 200, 200)).save(blank, format="PNG")
    with pytest.raises(QrProblem) as caught:
        evse_from_image(blank.getvalue())
    assert caught.value.key == "qr.none"
    with pytest.raises(QrProblem) as caught:
        evse_from_image(qr_photo("Welcome to our charging park!"))
    assert caught.value.key == "qr.no_evse"


# ---------------------------------------------------------------- against the core

DRIVER = Credentials(username="driver@example.com", password="driver-demo")


async def test_scanning_the_code_of_a_charger_finds_its_connector(core_url):
    provider = await open_provider("beenergised", core_url, credentials=DRIVER)
    config = AppConfig(persist_settings=False, demo=True, online_geocoding=False)
    ctx = AppContext(config, Settings(), provider)
    try:
        ctx.signed_in(await provider.profile())
        vm = MapViewModel(ctx)
        await vm.search(Coordinates(latitude=52.52, longitude=13.405), 20)
        printed = next(c for s in vm.list_items() for c in s.connectors if c.evse_id)
        sticker = f"https://voltra.example/charge/{printed.evse_id.replace('*', '%2A')}"
        found = await vm.find_evse_in_photo(qr_photo(sticker, kind="jpeg", canvas=1200))
        assert found is not None, vm.error
        station, connector = found
        assert connector.id == printed.id and connector.evse_id == printed.evse_id
        assert any(c.id == printed.id for c in station.connectors) and vm.error is None

        assert await vm.find_evse_in_photo(b"not a photo") is None
        assert vm.error == ctx.t("qr.not_image")
        assert await vm.find_evse_in_photo(qr_photo("DE*VOL*E9999*9")) is None
        assert vm.error == ctx.t("evse.not_found", evse="DE*VOL*E9999*9")
    finally:
        await provider.close()
