"""The core's domain and store speak one vocabulary: no API's camelCase wire names.

Wire shapes (be.ENERGISED ``chargePointId``, ``totalCosts``...) belong to the facade that
speaks them (renderers and parsers under ``services/core/api``). This walks every string
literal of ``services/core/domain`` and ``services/core/store`` (docstrings aside): a literal
that is a name or a dotted field path (``"tagId"``, ``"config.validUntil"``, the
``f"{p}.debitType"`` part of an f-string), or a message that starts with one
(``"cardId: no card"``), must not contain a camelCase name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "services" / "core"
CHECKED = [ROOT / "domain", ROOT / "store"]
# Migrations record what older versions stored; renaming an old key has to name it.
HISTORY = {ROOT / "store" / "migrations.py"}

# camelCase: two or more lower-case letters, then an upper-case one (so units such as
# "kWh" are not names).
CAMEL = re.compile(r"^[a-z]{2,}[a-z0-9]*[A-Z]\w*$")
PATH = re.compile(r"^\.?[A-Za-z_][\w\[\]]*(\.[A-Za-z_][\w\[\]]*)*\.?$")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _names_in(text: str) -> list[str]:
    head = text.split(": ", 1)[0] if ": " in text else text
    if not PATH.match(head):
        return []
    return [seg for seg in re.split(r"[.\[\]]", head) if CAMEL.match(seg)]


def wire_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            found += [f"{path.name}:{node.lineno}: {name!r}" for name in _names_in(node.value)]
    return found


def test_the_checker_finds_wire_names(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A docstring may say chargePointId."""\n'
        'row = {"chargePointId": 1, "energy_kwh": 2}\n'
        'key = row.get("totalCosts")\n'
        'field = f"{prefix}.evseId"\n'
        'message = "cardId: no card"\n'
        'unit = "kWh"\n'
        'prose = "Plug in first, then start again."\n'
    )
    assert sorted(f.split(": ", 1)[1] for f in wire_names(sample)) == [
        "'cardId'", "'chargePointId'", "'evseId'", "'totalCosts'"]


def test_domain_and_store_use_no_wire_names() -> None:
    found = [f for folder in CHECKED for p in sorted(folder.rglob("*.py"))
             if p not in HISTORY for f in wire_names(p)]
    assert not found, "wire names in the core's domain/store:\n" + "\n".join(found)
