"""What every part of the API shares: the base of each model, times, pages, problems.

Models are declared once, here and in the `*_schemas.py` modules: pydantic validates requests with them, builds
responses from them (so a response carries only declared fields) and writes their JSON Schema into the OpenAPI
document (`spec.py`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from portal.clock import iso


class ApiModel(BaseModel):
    """Closed: unknown input fields are refused, and the schema says `additionalProperties: false`."""

    model_config = ConfigDict(extra="forbid")


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")


def _rfc3339(value: Any) -> Any:
    """A time given as text must be a whole RFC 3339 date-time, as the document says (not a number, not a date):
    pydantic alone would also take Unix seconds."""
    if isinstance(value, datetime) or (isinstance(value, str) and _RFC3339.fullmatch(value)):
        return value
    raise ValueError("Give a time as RFC 3339, for example 2026-11-30T09:00:00Z.")


def _naive_utc(moment: datetime) -> datetime:
    """Stored times are naive UTC; a time given with an offset is converted, one without is taken as UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


# A UTC time, written like the records write it: 2026-11-30T21:00:00.000000Z.
Timestamp = Annotated[
    datetime,
    BeforeValidator(_rfc3339),
    AfterValidator(_naive_utc),
    PlainSerializer(iso, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class PageInfo(ApiModel):
    page: int = Field(description="This page's number, from 1.")
    per_page: int
    total: int = Field(description="How many items match the filters, across all pages.")
    pages: int


class Pagination(ApiModel):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    per_page: int = Field(25, ge=1, le=100, description="Items per page (at most 100).")

    def info(self, total: int) -> PageInfo:
        return PageInfo(page=self.page, per_page=self.per_page, total=total, pages=-(-total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class FieldError(ApiModel):
    field: str = Field(description="Where the problem is: `body.title`, `query.page`, `body.screening_answers.q1`.")
    message: str


class Problem(ApiModel):
    """An error, as RFC 9457 `application/problem+json`."""

    type: str = Field(description="A link to the section of the API documentation that explains this problem.")
    title: str
    status: int
    detail: str | None = Field(None, description="What went wrong with this request, written for a person.")
    incident: str | None = Field(None, description="On a 500: the reference to give your administrator.")
    errors: list[FieldError] | None = Field(None, description="On a 422: each field that needs attention.")
