"""A proposal screened and sent to the review entity, with its chair, a reviewer and a coordinator."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.auth.models import User
from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee
from portal.committees.operations import add_member
from portal.extensions import db
from portal.institutions.models import Institution
from portal.proposals.models import Proposal
from portal.routing.operations import triage_proposal
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.registry import all_sets
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.routing.test_triage import REFERRED, _committee, _screened


@dataclass
class World:
    institution: Institution
    ire: Committee
    ibc: Committee
    chair: User
    reviewer: User
    coordinator: User
    proposal: Proposal

    def screened_and_routed(self, factory, title: str) -> Proposal:  # noqa: ANN001
        proposal = _screened(factory, self.institution, REFERRED, title=title)
        triage_proposal(proposal, [self.ire], proposed=[self.ire], reason="", actor=self.coordinator)
        db.session.commit()
        return proposal


def make_world(factory) -> World:  # noqa: ANN001
    institution = factory.institution()
    set_criteria_set_active(institution, all_sets()["usg-durc-pepp-2024"], True, actor=None)
    ire = _committee(institution, "Review Entity", "ire")
    ibc = _committee(institution, "Biosafety Committee", "ibc")
    chair = factory.user(Role.CHAIR, Role.REVIEWER, institution=institution, name="Chair Person")
    reviewer = factory.user(Role.REVIEWER, institution=institution, name="Rita Reviewer")
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    add_member(ire, chair, role=MemberRole.CHAIR, actor=None)
    add_member(ire, reviewer, role=MemberRole.MEMBER, expertise="biosafety", actor=None)
    db.session.commit()
    w = World(institution, ire, ibc, chair, reviewer, coordinator, None)  # type: ignore[arg-type]
    w.proposal = w.screened_and_routed(factory, "Assignment canary AS-9")
    return w


@pytest.fixture
def world(app, factory) -> World:  # noqa: ANN001
    return make_world(factory)


def client_for(app, user: User):  # noqa: ANN001, ANN201
    client = app.test_client()
    sign_in(client, user.email, PASSWORD)
    return client


def items_of(assignment) -> list:  # noqa: ANN001
    from portal.reviews.rules import criterion_items
    from portal.screenings.queries import screenings_for_version

    return criterion_items(screenings_for_version(assignment.version_id))


def complete_form(items, *, rationale: str = "Consistent with the proposal as described.", **extra) -> dict:  # noqa: ANN001, ANN003
    """What a browser posts for a complete review: agree everywhere, a rationale and advice where needed."""
    data = {"recommendation": "approve_with_conditions", "action": "submit"}
    for item in items:
        data[f"agree-{item.key}"] = "agree"
        if item.met:
            data[f"rationale-{item.key}"] = rationale
        if item.judgment:
            data[f"advice-{item.key}"] = "unsure"
            data[f"advice-rationale-{item.key}"] = "The committee should weigh this at its meeting."
    data.update(extra)
    return data


def complete_values(items, **overrides):  # noqa: ANN001, ANN003, ANN201
    from werkzeug.datastructures import MultiDict

    from portal.reviews.forms import review_values

    return review_values(MultiDict(complete_form(items, **overrides)), items)
