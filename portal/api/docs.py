"""The API documentation page's content, read from the OpenAPI document (the one source), in a shape a template
can lay out: each operation with its parameters and responses, each schema with its fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class OperationDoc:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Row, ...]
    body: str | None
    responses: tuple[tuple[str, str, str], ...]  # status, description, schema name


@dataclass(frozen=True)
class SchemaDoc:
    name: str
    description: str
    fields: tuple[Row, ...]


def type_text(schema: dict[str, Any]) -> str:
    """A short reading of a JSON Schema: `string (≤ 300)`, `list of ProposalSummary`, `one of: draft, …`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "enum" in schema:
        return "one of: " + ", ".join(map(str, schema["enum"]))
    if "const" in schema:
        return f"always {schema['const']!s}"
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return " or ".join(type_text(option) for option in schema[combinator])
    kind = schema.get("type", "any")
    if kind == "array":
        return "list of " + type_text(schema.get("items", {}))
    if kind == "object" and "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        return "object of " + type_text(schema["additionalProperties"])
    limits = [f"≤ {schema[key]}" for key in ("maxLength", "maximum") if key in schema]
    limits += [f"≥ {schema[key]}" for key in ("minLength", "minimum") if key in schema]
    detail = schema.get("format")
    extra = ", ".join(([detail] if detail else []) + limits)
    return f"{kind} ({extra})" if extra else str(kind)


def operations(document: dict[str, Any]) -> list[OperationDoc]:
    found = []
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            parameters = tuple(
                Row(p["name"] + f" ({p['in']})", type_text(p["schema"]), p.get("required", False),
                    p.get("description", "")) for p in op.get("parameters", ())
            )
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            responses = tuple(
                (code, answer["description"], _schema_name(answer)) for code, answer in op["responses"].items()
            )
            found.append(OperationDoc(op["operationId"], method.upper(), path, op["summary"], op["description"],
                                      parameters, type_text(body) if body else None, responses))
    return found


def schemas(document: dict[str, Any]) -> list[SchemaDoc]:
    found = []
    for name, schema in document["components"]["schemas"].items():
        required = set(schema.get("required", ()))
        fields = tuple(
            Row(field, type_text(spec), field in required, spec.get("description", ""))
            for field, spec in schema.get("properties", {}).items()
        )
        found.append(SchemaDoc(name, schema.get("description", ""), fields))
    return found


def _schema_name(answer: dict[str, Any]) -> str:
    for content in answer.get("content", {}).values():
        return type_text(content.get("schema", {}))
    return ""
