"""The basemap's vector data (assets/basemap/europe.json.gz, made by extract.py), loaded
once into numpy arrays with a bounding box per shape, so a tile reads only what it shows."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from services.core.state import REPO_ROOT
from services.settings import get_settings

# west, south, east, north: the demo countries with the seas and neighbours around them
BOUNDS = (-12.0, 35.0, 30.0, 62.0)
SCALE = 1000  # coordinates are stored as integers of 1/SCALE degree
DATA_FILE = REPO_ROOT / "assets" / "basemap" / "europe.json.gz"


@dataclass(frozen=True)
class Layer:
    """Shapes of one kind: ``parts[i]`` is a list of (n, 2) lon/lat arrays (rings of a
    polygon, its outer ring first; or one line), ``boxes[i]`` its west, south, east, north."""

    parts: list[list[np.ndarray]]
    boxes: np.ndarray

    def within(self, west: float, south: float, east: float, north: float) -> list[int]:
        b = self.boxes
        if not len(b):
            return []
        hit = (b[:, 0] <= east) & (b[:, 2] >= west) & (b[:, 1] <= north) & (b[:, 3] >= south)
        return np.flatnonzero(hit).tolist()


@dataclass(frozen=True)
class Basemap:
    land: Layer
    lakes: Layer
    rivers: Layer
    borders: Layer


def _layer(shapes: list, scale: float) -> Layer:
    parts, boxes = [], []
    for shape in shapes:
        arrays = [np.asarray(flat, dtype=np.float64).reshape(-1, 2) / scale for flat in shape]
        outer = arrays[0]
        parts.append(arrays)
        boxes.append((*outer.min(axis=0), *outer.max(axis=0)))
    return Layer(parts, np.asarray(boxes, dtype=np.float64).reshape(-1, 4))


def data_file() -> Path:
    assets = get_settings().assets_dir
    return assets / "basemap" / DATA_FILE.name if assets else DATA_FILE


@lru_cache(maxsize=1)
def load(path: Path | None = None) -> Basemap:
    doc = json.loads(gzip.decompress((path or data_file()).read_bytes()))
    scale = float(doc["scale"])
    return Basemap(
        land=_layer(doc["land"], scale),
        lakes=_layer(doc["lakes"], scale),
        rivers=_layer(doc["rivers"], scale),
        # a border line is one "ring" that is not closed
        borders=_layer([[line] for line in doc["borders"]], scale),
    )
