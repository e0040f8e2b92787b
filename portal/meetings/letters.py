"""The decision letters of a meeting: every final decision made at it that the reader may see, with the letter each
member of its team will receive, in their own language. Reads only: the letters page previews exactly what
meetings.operations.send_decision_letters then sends."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import select

from portal.auth.models import User
from portal.decisions.models import FINAL, Decision, RegulatoryClock
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications import audiences
from portal.notifications.outbox import message_for
from portal.notifications.render import Rendered
from portal.proposals.permissions import can_view_proposal


@dataclass(frozen=True)
class Letter:
    """Rendered when the preview reads it: sending passes the decision's params to `notify`, which renders."""

    recipient: User
    params: dict[str, Any]
    link: str

    @cached_property
    def _message(self) -> tuple[str, Rendered]:
        return message_for("decision_letter", self.recipient, self.params, self.link)

    @property
    def language(self) -> str:
        return self._message[0]

    @property
    def subject(self) -> str:
        return self._message[1].subject

    @property
    def body(self) -> str:
        return self._message[1].body


@dataclass(frozen=True)
class DecisionLetters:
    decision: Decision
    params: dict[str, Any]
    letters: list[Letter]


def decision_letters(meeting: Meeting, viewer: User) -> tuple[list[DecisionLetters], int]:
    """The decisions with their letters, and how many decisions are withheld from `viewer` (a conflict of
    interest: someone without one sends those letters)."""
    found, withheld = [], 0
    for decision in _decisions_at(meeting):
        proposal = decision.proposal
        if not can_view_proposal(viewer, proposal):
            withheld += 1
            continue
        params = _letter_params(decision)
        letters = [Letter(user, params, f"/decisions/{decision.id}") for user in audiences.team(proposal)
                   if user.is_active and user.email and can_view_proposal(user, proposal)]
        found.append(DecisionLetters(decision, params, letters))
    return found, withheld


def _decisions_at(meeting: Meeting) -> list[Decision]:
    item_ids = [i.id for i in meeting.items]
    if not item_ids:
        return []
    return list(db.session.scalars(select(Decision).where(
        Decision.meeting_item_id.in_(item_ids), Decision.state == FINAL).order_by(Decision.id)))


def _letter_params(decision: Decision) -> dict[str, Any]:
    """What the letter says: the outcome, the conditions, the clocks started. No signer or reviewer names."""
    clocks = db.session.scalars(select(RegulatoryClock).where(
        RegulatoryClock.decision_id == decision.id, RegulatoryClock.superseded_at.is_(None),
        RegulatoryClock.completed_at.is_(None)).order_by(RegulatoryClock.due_on, RegulatoryClock.id))
    return {
        "title": decision.proposal.title,
        "committee": decision.committee.name if decision.committee else "",
        "outcome": decision.outcome_label,
        "decided_on": decision.finalized_at.strftime("%Y-%m-%d") if decision.finalized_at else "",
        "conditions": [{"position": c.position, "description": c.description, "due_on": c.due_on.isoformat()}
                       for c in decision.conditions],
        "clocks": [{"title": c.title, "due_on": c.due_on.isoformat()} for c in clocks],
    }
