"""Build assets/basemap/europe.json.gz from the npm packages the basemap is drawn from.

    npm pack world-atlas@2.0.2 @geo-maps/earth-lakes-1m@0.6.0 @geo-maps/earth-rivers-1m@0.6.0
    python -m services.core.basemap.extract DIR   # DIR holds the three .tgz files

What it keeps: the land, the borders between countries (TopoJSON arcs two countries share),
lakes and rivers, clipped to the area the demo data covers (BOUNDS), rounded to 1/1000
degree and thinned to a point every STEP/1000 degree or so (a few hundred metres: about a
pixel at zoom 9, where the 1:10m source runs out of detail anyway), so the file stays small.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tarfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from services.core.basemap.data import BOUNDS, DATA_FILE, SCALE

Ring = list[tuple[float, float]]


def _member(folder: Path, prefix: str, name: str) -> dict:
    tgz = next(folder.glob(f"{prefix}*.tgz"), None)
    if tgz is None:
        raise SystemExit(f"{folder}: no {prefix}*.tgz (run npm pack there first)")
    with tarfile.open(tgz) as tar:
        f = tar.extractfile(f"package/{name}")
        if f is None:
            raise SystemExit(f"{tgz}: no package/{name}")
        return json.load(f)


def _decode_arcs(topo: dict) -> list[Ring]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    out: Ring = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(pts if not out else pts[1:])
    return out


def _polygons(geometry: dict) -> Iterator[list[list[int]]]:
    if geometry["type"] == "Polygon":
        yield geometry["arcs"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["arcs"]


def _clip(ring: Ring) -> Ring:
    """Sutherland-Hodgman against BOUNDS: filled polygons only need to be right inside."""
    west, south, east, north = BOUNDS
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _cross_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _cross_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _cross_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _cross_y(a, b, north)),
    )
    out = ring
    for inside, cross in edges:
        pts, out = out, []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
        if not out:
            break
    return out


def _cross_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


STEP = 3


def _quantised(ring: Ring, closed: bool) -> list[int]:
    flat: list[int] = []
    last = None
    n = len(ring)
    for i, (lon, lat) in enumerate(ring):
        q = (round(lon * SCALE), round(lat * SCALE))
        near = last is not None and abs(q[0] - last[0]) + abs(q[1] - last[1]) < STEP
        if (last is None or (not near) or i == n - 1) and q != last:
            flat.extend(q)
            last = q
    return flat if len(flat) >= (6 if closed else 4) else []


def _inside(ring: Ring) -> bool:
    west, south, east, north = BOUNDS
    return any(west <= x <= east and south <= y <= north for x, y in ring)


def _lines_inside(line: Ring) -> Iterator[Ring]:
    """A line cut into its runs inside BOUNDS."""
    west, south, east, north = BOUNDS
    run: Ring = []
    for x, y in line:
        if west <= x <= east and south <= y <= north:
            run.append((x, y))
        elif run:
            yield run
            run = []
    if run:
        yield run


def _geo_maps_polygons(doc: dict) -> Iterable[list[Ring]]:
    for g in doc.get("geometries") or [f["geometry"] for f in doc["features"]]:
        if g["type"] == "GeometryCollection":
            yield from _geo_maps_polygons(g)
        elif g["type"] == "Polygon":
            yield [[tuple(p) for p in r] for r in g["coordinates"]]
        elif g["type"] == "MultiPolygon":
            for poly in g["coordinates"]:
                yield [[tuple(p) for p in r] for r in poly]


# Water smaller than this (width + height, degrees) is a pond or a brook at this scale.
MIN_WATER = 0.04


def _extent(ring: Ring) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(xs) - min(xs) + max(ys) - min(ys)


def _polygon_layer(polys: Iterable[list[Ring]], min_extent: float = 0.0) -> list[list[list[int]]]:
    out = []
    for rings in polys:
        if not _inside(rings[0]) or (min_extent and _extent(rings[0]) < min_extent):
            continue
        clipped = [_quantised(_clip(r), True) for r in rings]
        if clipped[0]:
            out.append([r for r in clipped if r])
    return out


def build(folder: Path) -> dict:
    topo = _member(folder, "world-atlas", "countries-10m.json")
    arcs = _decode_arcs(topo)
    land = _polygon_layer(
        [_ring(arcs, r) for r in poly]
        for g in topo["objects"]["land"]["geometries"]
        for poly in _polygons(g)
    )
    # An arc two countries use is the border between them; one used once is a coast.
    used = Counter(
        i if i >= 0 else ~i
        for g in topo["objects"]["countries"]["geometries"]
        for poly in _polygons(g)
        for ring in poly
        for i in ring
    )
    borders = [
        q
        for i, n in sorted(used.items())
        if n > 1
        for run in _lines_inside(arcs[i])
        if (q := _quantised(run, False))
    ]
    lakes = _polygon_layer(
        _geo_maps_polygons(_member(folder, "geo-maps-earth-lakes-1m", "map.geo.json")), MIN_WATER
    )
    rivers = _polygon_layer(
        _geo_maps_polygons(_member(folder, "geo-maps-earth-rivers-1m", "map.geo.json")), MIN_WATER
    )
    return {
        "scale": SCALE,
        "bounds": BOUNDS,
        "sources": [
            "Natural Earth 1:10m (public domain) via world-atlas 2.0.2 (ISC)",
            "Natural Earth lakes and rivers via @geo-maps/earth-lakes-1m and "
            "@geo-maps/earth-rivers-1m 0.6.0 (MIT)",
        ],
        "land": land,
        "lakes": lakes,
        "rivers": rivers,
        "borders": borders,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="where `npm pack` left the .tgz files")
    ap.add_argument("--out", type=Path, default=DATA_FILE)
    args = ap.parse_args(argv)
    data = build(args.folder)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, separators=(",", ":")).encode()
    args.out.write_bytes(gzip.compress(raw, 9, mtime=0))
    counts = {k: len(data[k]) for k in ("land", "lakes", "rivers", "borders")}
    print(f"{args.out}: {args.out.stat().st_size / 1024:.0f} KiB, {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
