"""The application's routes as the security sweeps see them: every rule, and for a rule that takes ids, one URL per
object, with parent and child consistent (an attachment under its own proposal), so a 404 means "not yours" and
never "wrong pair". Id sources are the leak crawl's (tests/leaks/test_canary_crawl.py), extended for POST-only
arguments the GET crawl never meets."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from flask import Flask, url_for
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from portal.extensions import db
from tests.leaks.test_canary_crawl import ID_SOURCES, SKIPPED_RULES

# Arguments only POST routes take; `number` is a version number, stored in proposal_versions.number.
POST_ID_SOURCES = {"user_id": "users", "collaborator_id": "external_collaborators", "number": "proposal_versions",
                   "token_id": "api_tokens", "notification_id": "notifications"}
# The same argument name means another kind on one route: a proposal's team member, not a committee member.
ENDPOINT_SOURCES = {("proposals.remove_member", "member_id"): "proposal_members"}
ID_COLUMN = {"number": "number"}
# Arguments that are not database objects: a shipped criteria set's name (the same for every institution) and an
# invitation token (a secret, not an id; tests/auth covers unknown tokens).
NOT_OBJECTS = {"set_id", "token"}


@cache
def collection_app() -> Flask:
    """An app to read the URL map from at collection time (no database is touched)."""
    from portal import create_app

    return create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "INSTANCE_PATH": tempfile.mkdtemp()})


def all_rules() -> list[Rule]:
    return sorted((r for r in collection_app().url_map.iter_rules() if r.rule not in SKIPPED_RULES),
                  key=lambda r: r.rule)


def choices(rule: Rule) -> dict[str, list[str]]:
    """Arguments that are one of a fixed set of words (`<any(disable, enable):change>`), with their words."""
    return {name: sorted(converter.items) for name, converter in rule._converters.items()
            if isinstance(converter, AnyConverter)}


def object_arguments(rule: Rule) -> set[str]:
    return set(rule.arguments) - set(choices(rule)) - NOT_OBJECTS


def id_rules() -> list[Rule]:
    """Every rule that takes the id of a database object."""
    return [r for r in all_rules() if object_arguments(r)]


def source(endpoint: str, argument: str) -> str:
    found = ENDPOINT_SOURCES.get((endpoint, argument)) or ID_SOURCES.get(argument) or POST_ID_SOURCES.get(argument)
    assert found, f"{endpoint}: tell tests/security/routes.py which table {argument} comes from"
    return found


@dataclass(frozen=True)
class Target:
    """One URL of a rule: the object it names (the innermost argument's table and row id) and its arguments."""

    url: str
    table: str
    row_id: int
    arguments: dict[str, object]


def _leaf(endpoint: str, arguments: list[str]) -> str:
    """The argument whose table names all the others: the child of a parent/child pair."""
    for candidate in arguments:
        columns = db.metadata.tables[source(endpoint, candidate)].c
        if all(other in columns for other in arguments if other != candidate):
            return candidate
    raise AssertionError(f"{endpoint}: no argument of {arguments} links the others")


def targets(app: Flask, rule: Rule) -> Iterator[Target]:
    """One URL per object of the rule's innermost kind, with its parents' ids from the same row."""
    arguments = sorted(object_arguments(rule))
    leaf = _leaf(rule.endpoint, arguments)
    table = db.metadata.tables[source(rule.endpoint, leaf)]
    others = [a for a in arguments if a != leaf]
    query = select(table.c.id, table.c[ID_COLUMN.get(leaf, "id")], *(table.c[o] for o in others)).order_by(table.c.id)
    words = [[(name, value) for value in values] for name, values in choices(rule).items()]
    for row_id, leaf_value, *other_values in db.session.execute(query).all():
        values = {leaf: leaf_value, **dict(zip(others, other_values, strict=True))}
        for extra in itertools.product(*words):
            with app.test_request_context():
                url = url_for(rule.endpoint, **values, **dict(extra))
            yield Target(url, table.name, row_id, values)


def methods(rule: Rule) -> list[str]:
    return sorted(m for m in rule.methods if m in ("GET", "POST"))
