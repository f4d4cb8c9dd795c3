"""The EVSE ID in a photo of the QR code on a charger.

Operators print either the bare EVSE ID or a link carrying it: Hubject and OCPI style
(`https://.../DE*ABC*E123`, `*` often percent-encoded) or a query parameter
(`?evse=DE*ABC*E123`). The photo comes from the driver's device, so it is bounded in bytes
and pixels before it is decoded.
"""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qsl, unquote, urlsplit

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 15 * 1024 * 1024
# A 48-megapixel phone photo; beyond that Pillow's own guard would warn, and decoding would
# stall the app for seconds.
MAX_PIXELS = 48_000_000
# zxing finds a printed code as well on a downscaled photo, many times faster.
DECODE_EDGE = 1600
MAX_TEXT = 2048

# ISO 15118 / eMI3 EVSE ID: country, operator, "E", then the outlet (separators optional).
EVSE_ID = re.compile(r"[A-Z]{2}\*?[A-Z0-9]{3}\*?E[A-Z0-9][A-Z0-9*]{0,35}", re.IGNORECASE)
# What the EVSE ID field itself accepts from a code that is not in the eMI3 form.
PLAIN_ID = re.compile(r"[A-Z0-9][A-Z0-9*_.:-]{0,47}", re.IGNORECASE)
QUERY_KEYS = ("evseid", "evse_id", "evse", "id")


class QrProblem(ValueError):
    """Why no EVSE ID came out of a photo; `key` names the message in the catalogue."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def evse_from_image(data: bytes) -> str:
    """The EVSE ID in the first QR code of an image (PNG, JPEG, ...)."""
    if not data:
        raise QrProblem("qr.not_image")
    if len(data) > MAX_IMAGE_BYTES:
        raise QrProblem("qr.too_big")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise QrProblem("qr.too_big")
            img = ImageOps.exif_transpose(img).convert("L")
            img.thumbnail((DECODE_EDGE, DECODE_EDGE))
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise QrProblem("qr.not_image") from None
    codes = zxingcpp.read_barcodes(
        img, formats=(zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode)
    )
    texts = [c.text for c in codes if c.valid and c.text]
    if not texts:
        raise QrProblem("qr.none")
    for text in texts:
        if evse := evse_from_text(text):
            return evse
    raise QrProblem("qr.no_evse")


def evse_from_text(text: str) -> str | None:
    """The EVSE ID a QR code's text carries, bare or inside a link; None if it has none."""
    text = text.strip()[:MAX_TEXT]
    if "://" in text:
        return _from_url(text)
    if found := EVSE_ID.search(text):
        return found.group(0).upper()
    if PLAIN_ID.fullmatch(text):
        return text.upper()
    return None


def _from_url(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    for key in QUERY_KEYS:
        if key in query and (found := _evse_in(query[key], plain=True)):
            return found
    # The path's last segment that holds an EVSE ID: the connector, not the site before it.
    for segment in reversed(parts.path.split("/")):
        if found := _evse_in(unquote(segment), plain=False):
            return found
    for value in query.values():
        if found := _evse_in(value, plain=False):
            return found
    return None


def _evse_in(value: str, *, plain: bool) -> str | None:
    value = value.strip()
    if found := EVSE_ID.fullmatch(value):
        return found.group(0).upper()
    if plain and PLAIN_ID.fullmatch(value):
        return value.upper()
    return None
