"""``voltra-core api-key``: the real command line in a subprocess, and the server's start-up
warning about demo credentials."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from services.core.services import partners
from services.core.store.db import connect
from tests.core_launcher import core_process

REPO = Path(__file__).resolve().parents[3]


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "services.core", *args, "--db", str(db)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)  # fmt: skip


def _field(out: str, name: str) -> str:
    m = re.search(rf"^{name}:\s+(\S+)$", out, re.M)
    assert m, out
    return m.group(1)


def test_create_list_revoke(tmp_path: Path):
    db = tmp_path / "core.sqlite3"
    made = cli("api-key", "create", "--api", "gpjoule", "--name", "ACME Fleet", db=db)
    assert made.returncode == 0, made.stderr
    key, key_id = _field(made.stdout, "key"), _field(made.stdout, "id")
    assert "Shown once" in made.stdout
    client = cli("api-key", "create", "--api", "wirelane", "--name", "Org",
                 "--organisation", "ORG1", db=db)
    assert client.returncode == 0, client.stderr
    client_id, secret = _field(client.stdout, "client_id"), _field(client.stdout, "client_secret")
    oem = cli("api-key", "create", "--api", "plugsurfing", "--name", "App", "--role", "oem",
              db=db)
    assert oem.returncode == 0, oem.stderr

    conn = connect(db)
    try:
        assert partners.authenticate(conn, "gpjoule", key).name == "ACME Fleet"
        assert partners.verify_client(conn, client_id, secret).organisation == "ORG1"
    finally:
        conn.close()

    table = cli("api-key", "list", db=db)
    assert table.returncode == 0, table.stderr
    assert key not in table.stdout and secret not in table.stdout
    assert key[:10] in table.stdout and client_id in table.stdout
    assert table.stdout.splitlines()[0].split()[:3] == ["ID", "PREFIX", "CLIENT"]
    listed = json.loads(cli("api-key", "list", "--api", "gpjoule", "--json", db=db).stdout)
    assert [(r["id"], r["name"], r["api"], r["revoked"]) for r in listed] == [
        (key_id, "ACME Fleet", "gpjoule", None)]
    assert listed[0]["last_used"] is not None  # authenticated above

    revoked = cli("api-key", "revoke", key_id, db=db)
    assert revoked.returncode == 0 and key_id in revoked.stdout
    again = cli("api-key", "revoke", key_id, db=db)
    assert again.returncode == 0 and "already revoked" in again.stdout
    listed = json.loads(cli("api-key", "list", "--api", "gpjoule", "--json", db=db).stdout)
    assert listed[0]["revoked"] is not None
    conn = connect(db)
    try:
        assert partners.authenticate(conn, "gpjoule", key) is None
    finally:
        conn.close()


def test_bad_input_names_the_field(tmp_path: Path):
    db = tmp_path / "core.sqlite3"
    no_role = cli("api-key", "create", "--api", "plugsurfing", "--name", "X", db=db)
    assert no_role.returncode == 2
    assert "role: a plugsurfing partner needs a role, oem or cpo" in no_role.stderr
    role = cli("api-key", "create", "--api", "ampeco", "--name", "X", "--role", "cpo", db=db)
    assert role.returncode == 2 and "role: only plugsurfing" in role.stderr
    api = cli("api-key", "create", "--api", "nope", "--name", "X", db=db)
    assert api.returncode == 2 and "--api" in api.stderr and "invalid choice" in api.stderr
    unknown = cli("api-key", "revoke", "nope", db=db)
    assert unknown.returncode == 2 and "id: no credential with id 'nope'" in unknown.stderr
    missing = cli("api-key", "list", db=tmp_path / "absent.sqlite3")
    assert missing.returncode == 2 and "db: no database at" in missing.stderr
    assert not (tmp_path / "absent.sqlite3").exists()
    for out in (no_role, role, unknown, missing):
        assert "Traceback" not in out.stderr


def test_demo_warning_only_beyond_loopback(demo_db: Path):
    with core_process(demo_db, stations=400) as url:
        assert url.startswith("http://127.0.0.1:")
    assert "WARNING" not in demo_db.with_suffix(".log").read_text()
    # Port 0: a free port on every interface, for the few seconds of this test.
    with core_process(demo_db, stations=400, extra=["--host", "0.0.0.0"]):  # noqa: S104
        log = demo_db.with_suffix(".log").read_text()
    assert "WARNING" in log and "serving on 0.0.0.0" in log and "demo credentials" in log
    for credential in ("ampeco key ampeco-demo-token",
                       "wirelane client voltra-demo / voltra-demo-secret",
                       "plugsurfing key oioi-demo-cpo-key", "gpjoule key gpjoule-demo-key",
                       "user driver@example.com / driver-demo"):
        assert credential in log
