"""Tariffs and what drivers can buy on them: rate options and rate packages."""

from __future__ import annotations

import sqlite3


def packages_of_tariff(conn: sqlite3.Connection, tariff_id: int) -> list[sqlite3.Row]:
    """Rate packages (``package_uuid``, runtime, automatic stop, amount) with their rate
    option's columns, cheapest first."""
    return conn.execute(
        "SELECT p.uuid AS package_uuid, p.visible_runtime, p.automatic_stop, p.amount, o.*"
        " FROM rate_packages p JOIN rate_options o ON o.id = p.rate_option_id"
        " WHERE o.tariff_id = ? ORDER BY p.amount, p.id", (tariff_id,)).fetchall()


def contract_rate_options(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM rate_options WHERE for_contracts = 1 ORDER BY name, id").fetchall()
