"""``voltra-core member``: an operator makes users members and admins of a partner, and a
new Wirelane organisation's admin can then sign in through the password grant."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.clients.wirelane import Wirelane
from tests.core_launcher import core_process

REPO = Path(__file__).resolve().parents[3]


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "services.core", *args, "--db", str(db)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_members_and_admins_from_the_command_line(demo_db: Path) -> None:
    made = cli("api-key", "create", "--api", "wirelane", "--name", "Depot GmbH",
               "--organisation", "DEPOT", db=demo_db)
    assert made.returncode == 0, made.stderr
    client_id = re.search(r"^client_id:\s+(\S+)$", made.stdout, re.M).group(1)  # type: ignore[union-attr]
    secret = re.search(r"^client_secret:\s+(\S+)$", made.stdout, re.M).group(1)  # type: ignore[union-attr]
    partner = ("--api", "wirelane", "--partner", "Depot GmbH")
    assert cli("member", "list", *partner, db=demo_db).stdout.strip() == "(no members)"
    added = cli("member", "add", *partner, "--email", "sam@example.com", "--admin", db=demo_db)
    assert added.returncode == 0, added.stderr
    assert cli("member", "add", *partner, "--email", "alex@example.com",
               db=demo_db).returncode == 0
    listed = cli("member", "list", *partner, db=demo_db).stdout.splitlines()
    assert listed == ["alex@example.com  member  active", "sam@example.com  admin  active"]
    refused = cli("member", "add", *partner, "--email", "nobody@example.com", db=demo_db)
    assert refused.returncode == 2 and "email" in refused.stderr
    refused = cli("member", "add", "--api", "wirelane", "--partner", "Nobody", "--email",
                  "sam@example.com", db=demo_db)
    assert refused.returncode == 2 and "partner" in refused.stderr

    with core_process(demo_db, stations=0, seed=None) as url:
        wl = Wirelane(url)
        try:
            token = wl.password_token("sam@example.com", "sam-demo", client=(client_id, secret))
            members = wl.ok("/members", token, organisation="DEPOT")
            assert sorted(m["email"] for m in members) == ["alex@example.com",
                                                          "sam@example.com"]
            r = wl.token_response({"grant_type": "password", "client_id": client_id,
                                   "client_secret": secret, "username": "alex@example.com",
                                   "password": "alex-demo"})
            assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
            assert cli("member", "remove", *partner, "--email", "sam@example.com",
                       db=demo_db).returncode == 0
            assert wl.get("/members", token, organisation="DEPOT").status_code == 401
        finally:
            wl.close()
