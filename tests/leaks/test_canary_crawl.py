"""The leak oracle (security-test-plan.md §4 and check 3): every object carries a unique canary string; every
GET route the application has is crawled, with every id there is, as a conflicted chair, a conflicted
coordinator, a reviewer who declared a conflict after reviewing, and the proposal's investigators. No hidden
canary may appear in any response, and no response may be a 500. Positive controls show the crawl reaches
content that each of them may see."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from flask import Flask, url_for
from sqlalchemy import select, text

from portal.auth.models import User
from portal.extensions import db
from tests.leaks.world import LeakWorld, build_leak_world
from tests.reviews.conftest import client_for

# Route arguments and where their values come from; a new argument must be added here, so no route is skipped.
ID_SOURCES = {
    "proposal_id": "proposals",
    "assignment_id": "review_assignments",
    "committee_id": "committees",
    "attachment_id": "attachments",
    "request_id": "revision_requests",
    "meeting_id": "meetings",
    "item_id": "agenda_items",
    "member_id": "committee_members",
    "decision_id": "decisions",
    "condition_id": "decision_conditions",
    "clock_id": "clocks",
    "appeal_id": "appeals",
    "job_id": "jobs",
}
FIXED_VALUES = {"number": [1, 2, 3], "set_id": ["usg-durc-pepp-2024"], "token": ["not-a-token"]}
SKIPPED_RULES = {"/static/<path:filename>"}


def _ids(table: str) -> list[int]:
    return list(db.session.scalars(text(f"SELECT id FROM {table} ORDER BY id")))  # noqa: S608 - fixed names above


def crawl_urls(app: Flask) -> Iterator[str]:
    """Every GET URL of the application, with every id of the kind each argument names."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule in SKIPPED_RULES:
            continue
        arguments = sorted(rule.arguments)
        unknown = [a for a in arguments if a not in ID_SOURCES and a not in FIXED_VALUES]
        assert not unknown, f"{rule.rule}: tell the crawler where {unknown} come from"
        choices = [FIXED_VALUES.get(a) or _ids(ID_SOURCES[a]) for a in arguments]
        for values in itertools.product(*choices):
            with app.test_request_context():
                url = url_for(rule.endpoint, **dict(zip(arguments, values, strict=True)))
            yield url
            if rule.endpoint == "proposals.diff":
                yield f"{url}?a=1&b=2"


def _crawl(app: Flask, user: User, hidden: set[str]) -> tuple[int, str]:
    """Fetch every URL as the user; returns how many were fetched and every body joined (for the controls)."""
    client = client_for(app, user)
    bodies, fetched = [], 0
    for url in crawl_urls(app):
        response = client.get(url)
        fetched += 1
        assert response.status_code < 500, f"{url} as {user.name}: {response.status_code}"
        body = response.get_data().decode("utf-8", errors="replace")  # attachments are PDFs
        response.close()
        leaked = sorted(c for c in hidden if c in body)
        assert not leaked, f"{url} as {user.name} ({response.status_code}) shows {leaked}"
        bodies.append(body)
    return fetched, "\n".join(bodies)


@pytest.fixture
def leak_world(app: Flask, factory) -> LeakWorld:  # noqa: ANN001
    return build_leak_world(factory)


def test_conflicted_people_see_nothing_of_the_proposal_anywhere(app, leak_world):
    w = leak_world
    for person in (w.chair, w.coordinator, w.recused_reviewer):
        fetched, seen = _crawl(app, person, w.hidden_from_conflicted)
        assert fetched > 40
        assert w.control_for_committee in seen, f"{person.name} should still see the other proposal's review"
        assert w.control_for_meeting in seen, f"{person.name} should still see the other item of the meeting"


def test_the_canaries_are_there_for_those_who_may_see_them(app, leak_world):
    """The oracle's own check: the deputy, who ran the meeting's conflicted item, finds every meeting canary."""
    _fetched, seen = _crawl(app, leak_world.deputy, set())
    from tests.leaks.world import MEETING_CANARIES

    assert {c for c in MEETING_CANARIES if c in seen} == MEETING_CANARIES


def test_investigators_see_only_what_was_released_to_them(app, leak_world):
    w = leak_world
    for person in (w.pi, w.co_investigator):
        _fetched, seen = _crawl(app, person, w.hidden_from_investigators)
        assert w.released in seen, f"{person.name} should read the revision request"


def test_the_crawl_covers_every_get_route(app, leak_world):
    del leak_world
    rules = {r.rule for r in app.url_map.iter_rules() if "GET" in r.methods} - SKIPPED_RULES
    crawled = set()
    for url in crawl_urls(app):
        adapter = app.url_map.bind("localhost")
        crawled.add(adapter.match(url.split("?")[0], return_rule=True)[0].rule)
    assert crawled == rules
    assert db.session.scalar(select(User.id).limit(1)) is not None
