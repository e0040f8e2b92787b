"""Helpers for the screening tests: apply criteria sets, answer the questionnaire as a browser would,
read what was stored."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.criteria.model import CriteriaSet
from portal.extensions import db
from portal.institutions.models import Institution
from portal.proposals.models import Proposal
from portal.screenings.forms import field_name
from portal.screenings.models import Screening
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.queries import active_sets_for
from portal.screenings.registry import all_sets
from tests.conftest import post

DURC_2024 = "usg-durc-pepp-2024"
MIRROR = "mirror-life"
CAT1_TITLE = "Refer to the review entity as possible Category 1 research (DURC)"
OUT_OF_SCOPE_TITLE = "Out of scope of both categories, as attested by the principal investigator"
# Answers that refer the work under the 2024 policy as possible Category 1 research.
CAT1_PROFILE: dict[str, Any] = {
    "agents.works_with_agents": "yes",
    "agents.groups": ["select_agents"],
    "durc24.cat1_outcomes": ["o7_countermeasures"],
    "durc24.ppp": "no",
    "durc24.unanticipated": "no",
    "funding.us_federal": "no",
    "mirror.mirror_organisms": "no",
}


def activate(institution: Institution, *set_ids: str) -> list[CriteriaSet]:
    """Apply the sets at the institution (as setup, not as a user) and return its active sets."""
    for set_id in set_ids:
        set_criteria_set_active(institution, all_sets()[set_id], True, actor=None)
    db.session.commit()
    return active_sets_for(institution.id)


def questionnaire_url(proposal: Proposal | int) -> str:
    proposal_id = proposal if isinstance(proposal, int) else proposal.id
    return f"/proposals/{proposal_id}/screening"


def form_data(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers keyed by question id, as the form posts them (a checkbox group posts a list)."""
    return {field_name(question_id): value for question_id, value in answers.items()}


def save_answers(client: FlaskClient, proposal: Proposal | int, answers: dict[str, Any], **kwargs: object):  # noqa: ANN201
    """Post the questionnaire with these answers, and only these, checked."""
    return post(client, questionnaire_url(proposal), form_data(answers), **kwargs)


def saved_answers(proposal: Proposal | int) -> dict[str, Any]:
    proposal_id = proposal if isinstance(proposal, int) else proposal.id
    db.session.expire_all()
    return json.loads(db.session.get(Proposal, proposal_id).screening_answers or "{}")


def screenings_of(proposal: Proposal | int) -> list[Screening]:
    proposal_id = proposal if isinstance(proposal, int) else proposal.id
    db.session.expire_all()
    return list(
        db.session.scalars(select(Screening).where(Screening.proposal_id == proposal_id).order_by(Screening.id))
    )


def shows_question(page: str, question_id: str) -> bool:
    """The questionnaire renders an input for the question."""
    return f'name="{field_name(question_id)}"' in page
