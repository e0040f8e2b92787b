"""API operations declared once: the decorator that registers a view with its models, and the OpenAPI 3.1
document built from those same declarations (so the document cannot drift from what the views check).

A view receives the calling user, its path arguments and, when declared, `query=` and `body=` as validated
models, and returns a response model (or a `Document`'s JSON bytes); everything else — the token, the scope,
the rate limit, validation problems, serialisation — happens here, the same way for every operation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from werkzeug.wrappers import Response

from portal.api.access import authenticate, rate_limit, rate_limit_key
from portal.api.problems import ApiProblem, invalid
from portal.api.schemas import ApiModel, Problem
from portal.auth.api_tokens import Scope
from portal.database import MAX_ID
from portal.errors import PROBLEM_MEDIA_TYPE
from portal.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
COMPONENT_REF = "#/components/schemas/{model}"
_PATH_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass(frozen=True)
class Document:
    """A response whose schema the portal already publishes as a JSON Schema file (the decision record's)."""

    name: str
    schema: dict[str, Any]


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    description: str
    tag: str
    scope: Scope | None
    response: type[BaseModel] | Document
    status: int = 200
    query: type[ApiModel] | None = None
    body: type[ApiModel] | None = None
    problems: tuple[int, ...] = field(default=())

    @property
    def statuses(self) -> list[int]:
        """Every status the operation can answer with: its own, then each problem."""
        codes = {401, 429, *self.problems}
        if self.scope is not None:
            codes.add(403)
        if "<" in self.rule:
            codes.add(404)
        if self.query is not None:
            codes.add(422)
        if self.body is not None:
            codes |= {400, 413, 415, 422}
        return [self.status, *sorted(codes)]


OPERATIONS: list[Operation] = []


def operation(rule: str, *, summary: str, tag: str, scope: Scope | None, response: type[BaseModel] | Document,
              method: str = "GET", status: int = 200, query: type[ApiModel] | None = None,
              body: type[ApiModel] | None = None, problems: tuple[int, ...] = ()) -> Callable:
    """Register `func` as `method rule` on the API blueprint, described by the rest."""

    def register(func: Callable) -> Callable:
        op = Operation(method, rule, func.__name__, summary, (func.__doc__ or "").strip(), tag, scope, response,
                       status, query, body, problems)

        @wraps(func)
        def view(**path_args: Any) -> Response:
            user = authenticate(scope)
            if query is not None:
                path_args["query"] = _validated(query, "query", _query_values())
            if body is not None:
                path_args["body"] = _validated(body, "body", _json_body())
            return _respond(op, func(user, **path_args))

        limited = limiter.limit(rate_limit, key_func=rate_limit_key)(view)
        bp.add_url_rule(rule, endpoint=func.__name__, view_func=limited, methods=[method])
        OPERATIONS.append(op)
        return func

    return register


def _query_values() -> dict[str, str]:
    values: dict[str, str] = {}
    for name, given in request.args.lists():
        if len(given) > 1:
            raise ApiProblem(422, "Give each query parameter once.", [(f"query.{name}", "Given more than once.")])
        values[name] = given[0]
    return values


def _json_body() -> Any:
    if request.mimetype != "application/json":
        raise ApiProblem(415, "Send the body as JSON, with `Content-Type: application/json`.")
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except ValueError as error:
        raise ApiProblem(400, f"The body is not valid JSON: {error}.") from None


def _unstorable_text(value: Any, where: str) -> list[tuple[str, str]]:
    """Where the input holds text no database can keep: NUL (PostgreSQL refuses it) or a lone surrogate (not UTF-8)."""
    if isinstance(value, str):
        bad = "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value)
        return [(where, "Text may not contain NUL or unpaired surrogate characters.")] if bad else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _unstorable_text(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [found for n, item in enumerate(value) for found in _unstorable_text(item, f"{where}.{n}")]
    return []


def _validated(model: type[ApiModel], where: str, values: Any) -> ApiModel:
    if unstorable := _unstorable_text(values, where):
        raise ApiProblem(422, "Some text holds characters that cannot be stored; nothing was saved.", unstorable)
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise invalid(where, error) from None


def _respond(op: Operation, result: BaseModel | bytes) -> Response:
    if isinstance(op.response, Document):
        body = result if isinstance(result, bytes) else json.dumps(result).encode()
    elif isinstance(result, op.response):
        body = result.model_dump_json().encode()
    else:
        raise TypeError(f"{op.endpoint} returned {type(result).__name__}, not its declared {op.response.__name__}")
    return Response(body, status=op.status, mimetype="application/json")


# --- the OpenAPI document ----------------------------------------------------------------------------------------

def openapi_document(info: dict[str, Any]) -> dict[str, Any]:
    pairs = {(Problem, "serialization")}
    for op in OPERATIONS:
        if not isinstance(op.response, Document):
            pairs.add((op.response, "serialization"))
        pairs |= {(model, "validation") for model in (op.query, op.body) if model is not None}
    refs, defs = models_json_schema(sorted(pairs, key=lambda pair: pair[0].__name__), ref_template=COMPONENT_REF)
    schemas = dict(defs.get("$defs", {}))
    for op in OPERATIONS:
        if isinstance(op.response, Document):
            schemas[op.response.name] = op.response.schema
    paths: dict[str, dict[str, Any]] = {}
    for op in sorted(OPERATIONS, key=lambda o: (o.rule, o.method)):
        path = bp.url_prefix + _PATH_ARG.sub(lambda m: "{" + m.group(2) + "}", op.rule)
        paths.setdefault(path, {})[op.method.lower()] = _operation_object(op, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": info,
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer",
                                                "description": "A personal API token from Account › API tokens."}},
        },
        "security": [{"bearerToken": []}],
    }


def _operation_object(op: Operation, refs: dict, schemas: dict[str, Any]) -> dict[str, Any]:
    needs = f"Needs the `{op.scope}` scope." if op.scope else "Any valid token may call it."
    operation: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "description": "\n\n".join(part for part in (op.description, needs) if part),
        "tags": [op.tag],
        "parameters": _path_parameters(op.rule) + (_query_parameters(refs[(op.query, "validation")], schemas)
                                                   if op.query else []),
        "responses": {str(code): _response_object(op, code, refs) for code in op.statuses},
    }
    if op.body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": refs[(op.body, "validation")]}}}
    return operation


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID} if converter == "int"
         else {"type": "string", "maxLength": 100}}
        for converter, name in _PATH_ARG.findall(rule)
    ]


def _query_parameters(ref: dict[str, str], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    model_schema = schemas[ref["$ref"].rsplit("/", 1)[1]]
    required = set(model_schema.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": schema,
         **({"description": schema["description"]} if "description" in schema else {})}
        for name, schema in model_schema["properties"].items()
    ]


def _response_object(op: Operation, code: int, refs: dict) -> dict[str, Any]:
    if code == op.status:
        schema = ({"$ref": COMPONENT_REF.format(model=op.response.name)} if isinstance(op.response, Document)
                  else refs[(op.response, "serialization")])
        return {"description": "Success.", "content": {"application/json": {"schema": schema}}}
    return {"description": PROBLEM_DESCRIPTIONS.get(code, "A problem."),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": refs[(Problem, "serialization")]}}}


PROBLEM_DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "No token, or one that is unknown, expired or revoked.",
    403: "The token lacks the scope, or its person may not do this.",
    404: "No such resource, or it is not yours to see (the two look the same on purpose).",
    409: "The resource is not in a state that allows this, or it changed since you read it.",
    413: "The body is too large.",
    415: "The body is not JSON.",
    422: "Some fields need attention; `errors` lists them.",
    429: "Too many requests from this token; wait and try again.",
}
