"""Parts of the AMPECO document the contract tests validate against directly: the callback
bodies of notifications, and the built-in form of invoice details (whose ``oneOf`` no answer
can pass; see README)."""

from __future__ import annotations

from typing import Any

from openapi_schema_validator import OAS30ReadValidator

from tests.contract.ampeco import openapi_check
from tests.contract.ampeco.client import Ampeco

SUBSCRIBE = "#/paths/~1public-api~1notifications~1v2.0/post"


def validate_at(pointer: str, value: Any) -> None:
    """Validate ``value`` against the document's schema at ``pointer``."""
    OAS30ReadValidator({"$ref": f"{openapi_check._URI}{pointer}"},
                       registry=openapi_check._registry()).validate(value)


def check_callback(name: str, body: Any) -> None:
    """``body`` as the document's callback ``name`` of notificationsSubscribe describes it."""
    callback = _schema_at(f"{SUBSCRIBE}/callbacks/{name}")
    url = next(iter(_node(callback)))
    validate_at(_schema_at(f"{callback}/{url.replace('~', '~0').replace('/', '~1')}/post/"
                           "requestBody/content/application~1json/schema"), body)


def built_in_form(amp: Ampeco, method: str, template: str, pointer: str, *,
                  json: object = None, params: object = None, **path: object) -> dict:
    """Invoice details are a ``oneOf`` whose "SoftOne" form has no required field, so every
    object of the "Built-in invoicing" form matches two forms and no answer can pass
    ``oneOf`` (README). Such answers are checked against the built-in form alone: the status
    must be listed and the details (at ``pointer`` in the body) must be of that form."""
    response = amp.http.request(method, template.format(**path), json=json, params=params,
                                headers={"Authorization": f"Bearer {amp.token}"})
    listed = openapi_check.documented_statuses(method, template)
    assert str(response.status_code) in listed, response.text
    if response.status_code != 200:
        return response.json()
    body = response.json()
    details, schema = body, _schema_at(f"#/paths/{template.replace('/', '~1')}/"
                                       f"{method.lower()}/responses/200/content/"
                                       "application~1json/schema")
    for part in filter(None, pointer.split("/")):
        details = details[part]
        schema = _property(schema, part)
    validate_at(_schema_at(schema + "/oneOf/0"), details)
    return body


def _schema_at(pointer: str) -> str:
    """``pointer`` into the document, following a ``$ref`` found there."""
    node = _node(pointer)
    ref = node.get("$ref") if isinstance(node, dict) else None
    return _schema_at(ref) if ref else pointer


def _property(schema: str, name: str) -> str:
    """The pointer of property ``name`` of the object schema at ``schema`` (also inside one of
    its ``allOf`` parts)."""
    node = _node(schema)
    if name in node.get("properties", {}):
        return _schema_at(f"{schema}/properties/{name}")
    for i, _part in enumerate(node.get("allOf", [])):
        part = _schema_at(f"{schema}/allOf/{i}")
        if name in _node(part).get("properties", {}):
            return _schema_at(f"{part}/properties/{name}")
    raise AssertionError(f"{schema} has no property {name}")


def _node(pointer: str) -> dict:
    node: object = openapi_check.document()
    for part in pointer.removeprefix("#/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]  # type: ignore[index]
    return node  # type: ignore[return-value]


