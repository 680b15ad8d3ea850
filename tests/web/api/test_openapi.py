"""The OpenAPI description served at /api/v1/openapi.json stays in step with the app: every
/api/v1 rule and method is described (and nothing else), path parameters match, every
reference resolves, and the pushed message's fields are exactly the API's fields, each
naming the import's standard header."""

from __future__ import annotations

import json
import re

from tracker.collection import STANDARD_HEADERS
from web.api.v1 import OPENAPI
from web.api.v1.messages import FIELDS, SOURCE_FIELD

METHODS = {"get", "post", "put", "patch", "delete"}


def api_rules(app) -> dict[str, set[str]]:
    """OpenAPI path → methods of every /api/v1 rule of the app."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            found.setdefault(path, set()).update(
                m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return found


def refs(node) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def resolve(doc: dict, ref: str):
    node = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_the_document_is_served_without_a_token_and_is_the_file(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.is_json
    assert answer.get_json() == json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert answer.get_json()["openapi"].startswith("3.")


def test_every_api_route_is_described(app):
    doc = json.loads(OPENAPI.read_text(encoding="utf-8"))
    described = {path: {m for m in ops if m in METHODS} for path, ops in doc["paths"].items()}
    assert described == api_rules(app)
    for path, ops in doc["paths"].items():
        in_path = set(re.findall(r"\{(\w+)\}", path))
        for method, op in ops.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == in_path, (path, method)
            assert op["responses"] and op["operationId"], (path, method)
            if op.get("security") != []:
                assert "401" in op["responses"] and "429" in op["responses"], (path, method)


def test_every_reference_resolves(app):
    doc = json.loads(OPENAPI.read_text(encoding="utf-8"))
    found = refs(doc)
    assert found
    for ref in found:
        assert ref.startswith("#/") and resolve(doc, ref), ref
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_message_fields_are_the_imports(app):
    doc = json.loads(OPENAPI.read_text(encoding="utf-8"))
    properties = doc["components"]["schemas"]["Message"]["properties"]
    assert set(properties) == set(FIELDS) | {SOURCE_FIELD}
    for name, header in FIELDS.items():
        assert properties[name]["x-import-field"] == header, name
    assert sorted(FIELDS.values()) == sorted(STANDARD_HEADERS)
    required = doc["components"]["schemas"]["Message"]["required"]
    assert {FIELDS[name] for name in required} == {"留言编号", "留言时间"}
