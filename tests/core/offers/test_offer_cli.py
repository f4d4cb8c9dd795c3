"""``voltra-core offer``: the real command line in a subprocess, against a store that a
running core serves (a change applies to the core's next request)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.core.services import partners
from services.core.store import offers as offer_store
from services.core.store import partners as partner_store
from services.core.store.db import connect
from tests.clients.beenergised import Api
from tests.core.charging.world import PASSWORD, PER_KWH, Seeded, seed
from tests.core_launcher import core_process

REPO = Path(__file__).resolve().parents[3]
PARTNER = "Test Operator"


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "services.core", "offer", *args, "--db",
                           str(db)], cwd=REPO, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Seeded]:
    db = tmp_path / "core.sqlite3"
    seeded = seed(db, stations=3)
    conn = connect(db)
    try:
        partners.create_credential(conn, "ampeco", PARTNER)
    finally:
        conn.close()
    return db, seeded


def _listed(db: Path, api: str | None = None) -> list[dict]:
    done = cli("list", "--json", *(["--api", api] if api else []), db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_set_list_and_clear_a_partners_offer(store: tuple[Path, Seeded]) -> None:
    db, seeded = store
    empty = cli("list", db=db)
    assert empty.returncode == 0, empty.stderr
    assert "ampeco (the API's own): no offer, every station at its base price" in empty.stdout
    assert _listed(db) == []

    made = cli("set", "--api", "ampeco", "--partner", PARTNER, "--name", "Operator app",
               "--station", seeded.stations[0], "--station", "2", "--per-kwh", "0.45",
               "--per-minute", "0.03", "--start-fee", "0", db=db)
    assert made.returncode == 0, made.stderr
    assert "Operator app" in made.stdout and "(2 stations)" in made.stdout
    [row] = _listed(db, "ampeco")
    assert (row["partner"], row["name"], row["stations_covered"]) == (PARTNER, "Operator app", 2)
    assert sorted(row["stations"]) == sorted(seeded.stations[:2])
    assert (row["start_fee"], row["per_kwh"], row["per_minute"]) == (0.0, 0.45, 0.03)
    text = cli("list", "--api", "ampeco", db=db).stdout
    assert "per kWh 0.45 EUR" in text and "per minute 0.03 EUR" in text
    assert "start fee 0.00 EUR" in text and "partner 'Test Operator'" in text

    conn = connect(db)
    try:
        pid = partner_store.find_partner(conn, "ampeco", PARTNER).id  # type: ignore[union-attr]
        stored = offer_store.offer_for(conn, "ampeco", pid)
    finally:
        conn.close()
    assert stored is not None and stored.partner_id == pid and stored.pricing.per_kwh == 0.45

    # Setting again replaces it: one offer per audience.
    again = cli("set", "--api", "ampeco", "--partner", PARTNER, "--name", "Operator app 2",
                "--operator", "VOL", "--markup", "20", db=db)
    assert again.returncode == 0, again.stderr
    [row] = _listed(db, "ampeco")
    assert (row["name"], row["operators"], row["stations_covered"]) == \
        ("Operator app 2", ["Voltra Test"], 3)  # fmt: skip
    assert "per kWh the station's +20 %" in cli("list", db=db).stdout

    cleared = cli("clear", "--api", "ampeco", "--partner", PARTNER, db=db)
    assert cleared.returncode == 0 and "Cleared" in cleared.stdout, cleared.stderr
    assert _listed(db) == []


async def test_a_running_core_sells_what_the_command_line_set(
        store: tuple[Path, Seeded]) -> None:  # fmt: skip
    db, seeded = store
    query = ("{ cpsPaged(pagination: {limit: 50}) { pagination { totalCount } data { id"
             " information { payment } } } }")
    with core_process(db, stations=0, seed=None) as url:
        api = await Api(url).login("a@example.com", PASSWORD)
        try:
            made = cli("set", "--api", "beenergised", "--name", "Direct plus", "--region",
                       "52.5205,13.40,52.5215,13.41", "--markup", "10", db=db)
            assert made.returncode == 0, made.stderr
            sold = (await api.data(query))["cpsPaged"]
            assert sold["pagination"]["totalCount"] == 1
            assert [c["id"] for c in sold["data"]] == [seeded.stations[0]]
            assert f"{PER_KWH * 1.1:.2f} EUR/kWh" in sold["data"][0]["information"]["payment"]
            assert cli("clear", "--api", "beenergised", db=db).returncode == 0
            every = (await api.data(query))["cpsPaged"]
            assert every["pagination"]["totalCount"] == 3
        finally:
            await api.close()


@pytest.mark.parametrize(("args", "message"), [
    (["set", "--api", "ampeco", "--partner", "Nobody", "--name", "X", "--everything"],
     "--partner: no ampeco partner named 'Nobody'"),
    (["set", "--api", "beenergised", "--partner", PARTNER, "--name", "X", "--everything"],
     "--partner: beenergised has no partners"),
    (["set", "--api", "gpjoule", "--name", "X"], "--everything: an offer covers something"),
    (["set", "--api", "gpjoule", "--name", " ", "--everything"], "--name: is required"),
    (["set", "--api", "gpjoule", "--name", "X", "--region", "52,13,53"],
     "--region: '52,13,53' is not SOUTH,WEST,NORTH,EAST in degrees"),
    (["set", "--api", "gpjoule", "--name", "X", "--region", "53,13,52,14"],
     "--region: each region is south <= north"),
    (["set", "--api", "gpjoule", "--name", "X", "--operator", "Nobody"],
     "--operator: no operator named 'Nobody'"),
    (["set", "--api", "gpjoule", "--name", "X", "--everything", "--exclude-operator", "Nope"],
     "--exclude-operator: no operator named 'Nope'"),
    (["set", "--api", "gpjoule", "--name", "X", "--station", "no-such-station"],
     "--station: no station 'no-such-station'"),
    (["set", "--api", "gpjoule", "--name", "X", "--everything", "--markup", "-100"],
     "--markup: must be above -100"),
    (["set", "--api", "gpjoule", "--name", "X", "--everything", "--per-kwh", "nan"],
     "--per-kwh: must be between 0 and 1000"),
    (["set", "--api", "gpjoule", "--name", "X", "--everything", "--start-fee", "-1"],
     "--start-fee: must be between 0 and 1000"),
    (["set", "--api", "gpjoule", "--name", "X", "--everything", "--currency", "XXQ"],
     "--currency: 'XXQ' is not a currency code"),
    (["set", "--api", "gpjoule", "--name", "X", "--everything", "--per-minute", "lots"],
     "argument --per-minute: invalid float value: 'lots'"),
    (["set", "--api", "nope", "--name", "X", "--everything"], "argument --api: invalid choice"),
    (["clear", "--api", "wirelane"], "--api: wirelane has no offer of its own to clear"),
    (["clear", "--api", "ampeco", "--partner", PARTNER],
     "--partner: partner 'Test Operator' has no offer of its own to clear"),
])
def test_bad_input_names_the_argument(store: tuple[Path, Seeded], args: list[str],
                                      message: str) -> None:  # fmt: skip
    db, _seeded = store
    done = cli(*args, db=db)
    assert done.returncode == 2, done
    assert message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert _listed(db) == []


def test_a_missing_database_is_named(tmp_path: Path) -> None:
    done = cli("list", db=tmp_path / "absent.sqlite3")
    assert done.returncode == 2 and "--db: no database at" in done.stderr
    assert not (tmp_path / "absent.sqlite3").exists()
