"""Who is asking, as SQL: the visibility and conflict rules are written once over a Viewer's bind parameters.

A list page's statement is built once per shape (`ANY_VIEWER`, value-less parameters) and run with
`viewer_parameters(user)`: building an ORM statement and computing its cache key cost more than running it
(~2.5 of the ~3 ms of the committee dashboard's queue, bench.dashboard B1), and a statement built once keeps both.
Statements built per call use `viewer_of(user)`, whose parameters carry the values and unique names, so two
clauses of one viewer can meet in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, bindparam
from sqlalchemy.sql.elements import BindParameter

from portal.auth.models import User
from portal.clock import utcnow


@dataclass(frozen=True)
class Viewer:
    id: BindParameter[int]
    department_id: BindParameter[int]
    institution_id: BindParameter[int]
    today: BindParameter[date]


def _binds(values: dict[str, Any] | None) -> Viewer:
    def bind(key: str, type_: type[Integer] | type[Date]) -> BindParameter[Any]:
        if values is None:
            return bindparam(key, type_=type_)
        return bindparam(key, value=values[key], type_=type_, unique=True)

    return Viewer(
        id=bind("viewer_id", Integer),
        department_id=bind("viewer_department_id", Integer),
        institution_id=bind("viewer_institution_id", Integer),
        today=bind("viewer_today", Date),
    )


ANY_VIEWER = _binds(None)


def viewer_parameters(user: User) -> dict[str, Any]:
    """The values of ANY_VIEWER's parameters for this user, today (UTC)."""
    return {
        "viewer_id": user.id,
        "viewer_department_id": user.department_id,  # None matches no department: SQL's NULL = NULL is not true
        "viewer_institution_id": user.institution_id,
        "viewer_today": utcnow().date(),
    }


def viewer_of(user: User) -> Viewer:
    """This user's parameters with their values, for a statement built for one call."""
    return _binds(viewer_parameters(user))
