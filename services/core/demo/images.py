"""The demo station pictures in assets/stations/ (station-1.png ... station-8.png), drawn
procedurally: sky, ground, a charging pillar in the operator's colour, a parked car.

They are committed; this module only documents how they were made and can redraw them:
``python -m services.core.demo.images [DIR]``. Pure Python (zlib PNG encoder), no Pillow.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

W, H = 240, 150

# (sky top, sky bottom, ground, pillar accent, car colour, time of day)
PALETTES = (
    ((120, 180, 235), (200, 228, 250), (96, 150, 80), (0, 150, 110), (200, 40, 40)),
    ((90, 140, 210), (180, 210, 240), (130, 130, 130), (20, 90, 200), (240, 240, 240)),
    ((250, 170, 110), (255, 220, 170), (110, 110, 100), (230, 120, 0), (40, 40, 50)),
    ((40, 50, 110), (90, 90, 150), (60, 60, 70), (0, 200, 200), (180, 180, 30)),
    ((150, 200, 240), (220, 240, 255), (170, 160, 140), (120, 60, 180), (30, 110, 60)),
    ((110, 170, 220), (190, 220, 245), (80, 130, 70), (220, 30, 90), (70, 90, 160)),
    ((200, 200, 210), (235, 235, 240), (120, 120, 125), (0, 120, 60), (150, 30, 30)),
    ((20, 30, 60), (60, 50, 90), (40, 40, 45), (255, 200, 0), (200, 200, 210)),
)


def _lerp(a: tuple, b: tuple, t: float) -> tuple[int, int, int]:
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))  # type: ignore[return-value]


def draw(palette: tuple, variant: int) -> list[bytearray]:
    sky0, sky1, ground, accent, car = palette
    horizon = 95
    rows = []
    for y in range(H):
        row = bytearray()
        base = _lerp(sky0, sky1, y / horizon) if y < horizon else ground
        row.extend(bytes(base) * W)
        rows.append(row)

    def rect(x0: int, y0: int, x1: int, y1: int, colour: tuple) -> None:
        for y in range(max(0, y0), min(H, y1)):
            for x in range(max(0, x0), min(W, x1)):
                rows[y][3 * x : 3 * x + 3] = bytes(colour)

    # parking bay lines
    for x in range(20, W, 55):
        rect(x, 120, x + 3, H, (230, 230, 230))
    # canopy for fast chargers
    if variant % 3 == 0:
        rect(30, 38, 210, 46, (230, 230, 235))
        rect(40, 46, 44, 100, (200, 200, 205))
        rect(196, 46, 200, 100, (200, 200, 205))
    # pillars
    for i in range(1 + variant % 2):
        px = 70 + 70 * i
        rect(px, 62, px + 22, 118, (245, 245, 245))
        rect(px, 62, px + 22, 72, accent)
        rect(px + 5, 78, px + 17, 90, (30, 40, 50))  # display
        rect(px + 8, 95, px + 14, 110, accent)  # plug holster
        rect(px - 2, 116, px + 24, 120, (90, 90, 90))  # base
    # a car in the bay
    cx = 130 if variant % 2 else 110
    rect(cx, 100, cx + 80, 122, car)
    rect(cx + 14, 88, cx + 62, 101, car)
    rect(cx + 18, 91, cx + 58, 100, (170, 200, 230))  # windows
    for wx in (cx + 10, cx + 58):
        rect(wx, 118, wx + 14, 130, (25, 25, 25))
    return rows


def png(rows: list[bytearray]) -> bytes:
    raw = b"".join(b"\x00" + bytes(r) for r in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))  # fmt: skip


def write_images(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for i, palette in enumerate(PALETTES, start=1):
        path = directory / f"station-{i}.png"
        path.write_bytes(png(draw(palette, i)))
        out.append(path)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("assets/stations")
    for p in write_images(target):
        print(p, p.stat().st_size)
