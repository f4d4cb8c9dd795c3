"""Vehicles at a simulated connector: battery capacity, state of charge, charge curves.

AC charging is limited by the car's on-board charger (11 or 22 kW) and runs flat until the
battery is nearly full. DC fast charging is limited by the car and the charger, and tapers
off at high state of charge (lithium-ion cells accept less current as they fill), which is
why a 150 kW stop slows down a lot above ~80 %.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (model, usable capacity kWh, on-board AC charger kW, peak DC kW): a realistic spread.
MODELS: list[tuple[str, float, float, float]] = [
    ("compact hatchback", 42.0, 11.0, 50.0),
    ("city car", 32.0, 7.4, 40.0),
    ("family crossover", 64.0, 11.0, 100.0),
    ("estate", 77.0, 11.0, 135.0),
    ("saloon", 82.0, 11.0, 170.0),
    ("premium SUV", 93.0, 22.0, 270.0),
]


@dataclass
class Vehicle:
    model: str
    capacity_kwh: float
    max_ac_kw: float
    max_dc_kw: float
    soc: float  # percent
    target_soc: float = 100.0

    @property
    def full(self) -> bool:
        return self.soc >= self.target_soc - 1e-6

    def power_kw(self, current_type: str, connector_kw: float) -> float:
        """What the car draws right now at a connector of this kind and rating."""
        if self.full:
            return 0.0
        if current_type == "DC":
            peak = min(self.max_dc_kw, connector_kw)
            if self.soc <= 55:
                factor = 1.0
            else:
                factor = max(0.08, 1.0 - 0.88 * ((self.soc - 55.0) / 45.0) ** 1.1)
            return peak * factor
        peak = min(self.max_ac_kw, connector_kw)
        if self.soc > 97:
            # the last percent balances cells at reduced current
            return peak * max(0.15, (100.0 - self.soc) / 3.0)
        return peak

    def charge(self, power_kw: float, hours: float) -> float:
        """Take energy for ``hours`` at ``power_kw``; returns the kWh actually stored."""
        room = max(0.0, (self.target_soc - self.soc) / 100.0 * self.capacity_kwh)
        energy = min(max(0.0, power_kw) * max(0.0, hours), room)
        self.soc = min(self.target_soc, self.soc + energy / self.capacity_kwh * 100.0)
        return energy


def random_vehicle(rng: random.Random, target_soc: float | None = None) -> Vehicle:
    model, cap, ac, dc = rng.choice(MODELS)
    soc = rng.uniform(8.0, 60.0)
    target = target_soc if target_soc is not None else rng.choice([80.0, 90.0, 100.0])
    return Vehicle(model, cap, ac, dc, soc=round(soc, 1), target_soc=max(target, soc))
