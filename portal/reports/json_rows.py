"""Back-end differences the report's SQL needs, in one place: a decision's determinations (a JSON list in a text
column) as rows, and the seconds between two timestamps. Every other statement is the same on SQLite and
PostgreSQL."""

from __future__ import annotations

from sqlalchemy import JSON, ColumnElement, Float, Select, case, cast, column, extract, func, select, true
from sqlalchemy.sql.functions import Function

from portal.decisions.models import Decision
from portal.extensions import db


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def determination_rows() -> Select:
    """One row per (decision, set) determination: decision_id, version_id, set_id, set_title, determination_id,
    title, dual_use (1 or 0), provisional_outcome_id, provisional_outcome_title."""
    if _dialect() == "postgresql":
        source: Function = func.json_array_elements(cast(Decision.determinations, JSON))
    else:
        source = func.json_each(Decision.determinations)
    element = source.table_valued(column("value", JSON)).alias("determination")
    value = element.c.value
    return (
        select(
            Decision.id.label("decision_id"),
            Decision.version_id.label("version_id"),
            value["set_id"].as_string().label("set_id"),
            value["set_title"].as_string().label("set_title"),
            value["determination_id"].as_string().label("determination_id"),
            value["title"].as_string().label("title"),
            case((value["dual_use"].as_boolean(), 1), else_=0).label("dual_use"),
            value["provisional_outcome_id"].as_string().label("provisional_outcome_id"),
            value["provisional_outcome_title"].as_string().label("provisional_outcome_title"),
        )
        .select_from(Decision)
        .join(element, true())
    )


def seconds_between(start: ColumnElement, end: ColumnElement) -> ColumnElement[float]:
    if _dialect() == "postgresql":
        return cast(extract("epoch", end - start), Float)
    return (func.julianday(end) - func.julianday(start)) * 86400.0
