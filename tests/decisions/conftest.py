"""A proposal referred under the 2024 policy, reviewed and awaiting the review entity's decision, with a second
voting member who can co-sign."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.extensions import db
from portal.reviews.operations import assign_reviewer, complete_review, save_review
from tests.reviews.conftest import World, client_for, complete_values, items_of, make_world  # noqa: F401

CATEGORY_1 = "usg-durc-pepp-2024"


def awaiting_decision(w: World) -> None:
    assignment = assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    db.session.flush()
    save_review(assignment, items_of(assignment), complete_values(items_of(assignment)), opened_lock=None,
                submit=True, actor=w.reviewer)
    complete_review(w.proposal, actor=w.coordinator)
    db.session.commit()


@pytest.fixture
def world(app, factory) -> World:  # noqa: ANN001
    return make_decision_world(factory)


def make_decision_world(factory) -> World:  # noqa: ANN001
    w = make_world(factory)
    w.member = factory.user(Role.REVIEWER, institution=w.institution, name="Sam Second")  # type: ignore[attr-defined]
    add_member(w.ire, w.member, role=MemberRole.MEMBER, actor=None)  # type: ignore[attr-defined]
    db.session.commit()
    awaiting_decision(w)
    return w


def decision_form(determination: str = "category_1", outcome: str = "approved_with_conditions", **extra) -> dict:  # noqa: ANN003
    """What a browser posts for a complete decision on the world's proposal."""
    due = (utcnow().date() + timedelta(days=60)).isoformat()
    data = {
        f"determination-{CATEGORY_1}": determination,
        f"determination-rationale-{CATEGORY_1}": "All three parts of the Category 1 test are met (DC-RATIONALE).",
        f"judgment-{CATEGORY_1}/c1_judgment": "yes",
        f"judgment-rationale-{CATEGORY_1}/c1_judgment": "The committee finds the research is DURC.",
        "outcome": outcome,
        "rationale": "Approved under a risk mitigation plan.",
        "condition-description-0": "Confirm each year who holds access to the records.",
        "condition-owner-0": "investigator",
        "condition-due-0": due,
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}
