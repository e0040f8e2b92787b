"""Refusals the API raises, and how they become problem documents (RFC 9457)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from werkzeug.wrappers import Response

from portal.errors import problem_response


class ApiProblem(Exception):
    """A refusal with its HTTP status, a sentence for a person and, for invalid input, the fields at fault."""

    def __init__(self, status: int, detail: str, errors: Iterable[tuple[str, str]] = (),
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}
        self.errors = [{"field": field, "message": message} for field, message in errors]

    def response(self) -> Response:
        response = problem_response(self.status, self.detail, errors=self.errors or None)
        response.headers.update(self.headers)
        return response


def invalid(where: str, error: ValidationError) -> ApiProblem:
    """A 422 naming each field pydantic refused, as `query.page` or `body.title`."""
    return ApiProblem(422, "Some fields need attention; nothing was saved.",
                      [(_location(where, item), _message(item)) for item in error.errors()])


def field_problem(field: str, message: str, status: int = 422) -> ApiProblem:
    return ApiProblem(status, message, [(field, message)])


def _location(where: str, item: dict[str, Any]) -> str:
    return ".".join([where, *(str(part) for part in item["loc"])])


def _message(item: dict[str, Any]) -> str:
    if item["type"] == "extra_forbidden":
        return "Not a field of this request."
    if item["type"] == "missing":
        return "This field is required."
    return str(item["msg"])
