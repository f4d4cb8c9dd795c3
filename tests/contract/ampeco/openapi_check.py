"""Every AMPECO answer against the document itself
(``ampeco-public-api-3.165.0.openapi.json``, OpenAPI 3.0): the status must be one the
operation lists, and the body must validate against that status's schema (OpenAPI 3.0
dialect: ``nullable``, read-only properties, ``$ref`` into the document's components).

``check_response(method, path_template, response)`` is what the contract tests call for
every response they get; it fails the test with the operation, status and the validator's
message.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30ReadValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

DOC_NAME = "ampeco-public-api-3.165.0.openapi.json"
_REPO = Path(__file__).resolve().parents[3]
# $VOLTRA_SEEDS_DIR, else the team's shared seeds beside a checkout or beside its worktrees
_CANDIDATES = [*([Path(os.environ["VOLTRA_SEEDS_DIR"]) / DOC_NAME]
                 if os.environ.get("VOLTRA_SEEDS_DIR") else []),
               _REPO.parent / "shared" / "seeds" / DOC_NAME,
               _REPO.parent.parent / "shared" / "seeds" / DOC_NAME]
DOCUMENT = next((c for c in _CANDIDATES if c.exists()), None)
_URI = "urn:ampeco-public-api"




def _formats() -> FormatChecker:
    """OpenAPI 3.0's format checks (date-time, date, email, int32, ...) except ``time``: the
    document's own examples write times of day as ``01:00``, which RFC 3339 full-time is not."""
    checker = FormatChecker(formats=())
    checker.checkers = {name: check for name, check in
                        OAS30ReadValidator.FORMAT_CHECKER.checkers.items() if name != "time"}
    return checker


FORMATS = _formats()


def require_document() -> Path:
    if DOCUMENT is None:
        pytest.skip(f"{DOC_NAME} not found (set VOLTRA_SEEDS_DIR)")
    return DOCUMENT


@cache
def document() -> dict[str, Any]:
    return orjson.loads(require_document().read_bytes())


@cache
def _registry() -> Registry:
    return Registry().with_resource(
        _URI, Resource.from_contents(document(), default_specification=DRAFT4))


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def operation(method: str, path_template: str) -> dict[str, Any]:
    try:
        return document()["paths"][path_template][method.lower()]
    except KeyError:
        raise AssertionError(f"{method} {path_template} is not in the document") from None


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def documented_statuses(method: str, path_template: str) -> set[str]:
    return set(operation(method, path_template)["responses"])


def validator(method: str, path_template: str, status: str) -> OAS30ReadValidator | None:
    """A validator of the body the document gives for ``status``; None when it gives none."""
    response = _resolve(operation(method, path_template)["responses"][status])
    content = response.get("content") or {}
    if "application/json" not in content or "schema" not in content["application/json"]:
        return None
    ref = "#/" + _pointer("paths", path_template, method.lower(), "responses", status)
    if "$ref" in operation(method, path_template)["responses"][status]:
        ref = operation(method, path_template)["responses"][status]["$ref"]
    schema_ref = f"{_URI}{ref}/content/application~1json/schema"
    return OAS30ReadValidator({"$ref": schema_ref}, registry=_registry(), format_checker=FORMATS)


def check_response(method: str, path_template: str, response: httpx.Response) -> Any:
    """Fail unless ``response`` is one the document allows for the operation; returns the
    parsed body (None for an empty one)."""
    where = f"{method.upper()} {path_template} -> {response.status_code}"
    status = str(response.status_code)
    assert response.status_code < 500, f"{where}: server error {response.text[:500]}"
    listed = documented_statuses(method, path_template)
    assert status in listed, f"{where}: status not listed ({sorted(listed)}): {response.text[:300]}"
    if not response.content:
        assert validator(method, path_template, status) is None, f"{where}: empty body"
        return None
    assert response.headers.get("content-type", "").startswith("application/json"), (
        f"{where}: content-type {response.headers.get('content-type')!r}")
    body = response.json()
    check = validator(method, path_template, status)
    if check is not None:
        try:
            check.validate(body)
        except ValidationError as exc:
            path = "/".join(str(p) for p in exc.absolute_path)
            raise AssertionError(f"{where}: body does not match the document at '{path}': "
                                 f"{exc.message[:400]}") from None
    return body
