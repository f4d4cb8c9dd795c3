"""The vehicle catalogue drivers pick from: maker, model, the most a car takes (kW, its
fastest inlet), and the plug types it can use. Fixed data of common European EVs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vehicle:
    id: int
    brand: str
    model: str
    max_kw: float
    plugs: tuple[str, ...]  # TYPE2 | CCS | CHADEMO | SCHUKO


CATALOGUE = (
    Vehicle(1, "BMW", "i3", 50.0, ("TYPE2", "CCS")),
    Vehicle(2, "Renault", "Twizy", 2.3, ("SCHUKO",)),
    Vehicle(3, "Renault", "Zoe", 46.0, ("TYPE2", "CCS")),
    Vehicle(4, "Nissan", "Leaf", 50.0, ("TYPE2", "CHADEMO")),
    Vehicle(5, "Volkswagen", "ID.3", 120.0, ("TYPE2", "CCS")),
    Vehicle(6, "Volkswagen", "e-Golf", 40.0, ("TYPE2", "CCS")),
    Vehicle(7, "Tesla", "Model 3", 250.0, ("TYPE2", "CCS")),
    Vehicle(8, "Hyundai", "Ioniq 5", 235.0, ("TYPE2", "CCS")),
    Vehicle(9, "Kia", "e-Niro", 77.0, ("TYPE2", "CCS")),
    Vehicle(10, "Mitsubishi", "Outlander PHEV", 22.0, ("TYPE2", "CHADEMO")),
    Vehicle(11, "Smart", "EQ fortwo", 22.0, ("TYPE2",)),
    Vehicle(12, "Porsche", "Taycan", 270.0, ("TYPE2", "CCS")),
)
