"""Acceptance 3 of issue 8: a response carries only the fields its schema declares, and every required one.
One recursive check, against the published /api/v1/openapi.json, used by each API test module."""

from __future__ import annotations

from typing import Any


def _resolve(document: dict, resource: dict, schema: dict) -> tuple[dict, dict]:
    """Follow `$ref`s: to a component of the document, or inside the nearest schema with an `$id`."""
    while "$ref" in schema:
        ref = schema["$ref"]
        base = document if ref.startswith("#/components/") else resource
        target: Any = base
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        schema = target
        if "$id" in schema or base is document:
            resource = schema
    return resource, schema


def _options(schema: dict) -> list[dict]:
    return [*schema.get("anyOf", ()), *schema.get("oneOf", ()), *([schema["then"]] if "then" in schema else ())]


def check_keys(document: dict, value: Any, schema: dict, resource: dict | None = None, path: str = "$",
               extra: list[str] | None = None) -> None:
    """Every object's keys are declared properties of its schema and its required ones are present, recursively
    through objects, maps and list items (`$ref`, anyOf/oneOf and if/then resolved). With `extra`, an object whose
    schema leaves it open (no `additionalProperties: false`) may carry more keys: their paths are added to it."""
    resource, schema = _resolve(document, resource or schema, schema)
    if "$id" in schema:
        resource = schema
    if isinstance(value, dict) and "properties" not in schema:
        if isinstance(schema.get("additionalProperties"), dict):  # a map, e.g. screening answers by question id
            for key, item in value.items():
                check_keys(document, item, schema["additionalProperties"], resource, f"{path}.{key}", extra)
            return None
        candidates = [_resolve(document, resource, o) for o in _options(schema)]
        candidates = [(r, s) for r, s in candidates if "properties" in s or "additionalProperties" in s]
        assert candidates, f"{path}: an object where the schema declares none"
        errors = []
        for option_resource, option in candidates:
            try:
                return check_keys(document, value, option, option_resource, path, extra)
            except AssertionError as error:
                errors.append(str(error))
        raise AssertionError(f"{path}: no option fits: {errors}")
    if isinstance(value, dict):
        declared, required = set(schema["properties"]), set(schema.get("required", ()))
        undeclared = sorted(set(value) - declared)
        if extra is None or schema.get("additionalProperties") is False:
            assert not undeclared, f"{path}: undeclared {undeclared}"
        if extra is not None:
            extra.extend(f"{path}.{key}" for key in undeclared)
        assert required <= set(value), f"{path}: missing {sorted(required - set(value))}"
        for key, item in value.items():
            if key in declared:
                check_keys(document, item, schema["properties"][key], resource, f"{path}.{key}", extra)
    elif isinstance(value, list):
        resolved = [_resolve(document, resource, o)[1] for o in _options(schema)]
        items = schema.get("items") or next((o["items"] for o in resolved if o.get("items")), None)
        assert items is not None or not value, f"{path}: a list where the schema declares none"
        for n, item in enumerate(value):
            check_keys(document, item, items, resource, f"{path}[{n}]", extra)
    return None


def assert_fits_its_schema(api, response, path: str, extra: list[str] | None = None, *,  # noqa: ANN001
                           method: str = "get", status: int = 200) -> None:
    """The response's JSON against the schema the published document declares for `method path` at `status`."""
    document = api.get("/api/v1/openapi.json").get_json()
    (content,) = document["paths"][path][method]["responses"][str(status)]["content"].values()
    schema = content["schema"]
    check_keys(document, response.get_json(force=True), schema, extra=extra)


def assert_matches_document(api, path: str, headers: dict[str, str], template: str) -> dict[str, Any]:  # noqa: ANN001
    """GET `path` (an instance of the document's `template` path): 200, and its body fits the declared schema."""
    response = api.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert_fits_its_schema(api, response, template)
    return response.get_json()
