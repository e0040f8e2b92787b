"""Decisions and what hangs off them. A decision's content is fixed when it is made and signed over its hash; it is
never edited: a correction or an appeal makes a new decision that supersedes it, and both stay."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.criteria.model import DECISION_OUTCOMES
from portal.decisions.rules import OUTCOME_LABELS, clock_status
from portal.extensions import db
from portal.i18n.marks import N_
from portal.proposals.models import Proposal, ProposalVersion
from portal.signatures.models import Signature

_OUTCOMES = ", ".join(f"'{o}'" for o in DECISION_OUTCOMES)
KINDS = ("committee", "administrative", "correction", "appeal")
_KINDS = ", ".join(f"'{k}'" for k in KINDS)
AWAITING_SIGNATURES = "awaiting_signatures"
FINAL = "final"


class Decision(db.Model):
    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(f"outcome IN ({_OUTCOMES})", name="outcome"),
        CheckConstraint(f"kind IN ({_KINDS})", name="kind"),
        CheckConstraint(f"state IN ('{AWAITING_SIGNATURES}', '{FINAL}')", name="state"),
        CheckConstraint("required_signatures IN (1, 2)", name="required_signatures"),
        CheckConstraint(f"(state = '{FINAL}') = (finalized_at IS NOT NULL)", name="finalized"),
        CheckConstraint("kind IN ('committee', 'administrative') OR supersedes_id IS NOT NULL", name="supersedes"),
        UniqueConstraint("supersedes_id"),  # a decision is superseded at most once; the chain stays linear
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("proposal_versions.id"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"), index=True)
    meeting_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    kind: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(32))
    rationale: Mapped[str] = mapped_column(Text)
    # Canonical JSON lists; see operations.make_decision for their fields.
    determinations: Mapped[str] = mapped_column(Text)
    judgments: Mapped[str] = mapped_column(Text, default="[]")
    content_sha256: Mapped[str] = mapped_column(String(64))  # what every signer signs
    required_signatures: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(24), default=AWAITING_SIGNATURES)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finalized_at: Mapped[datetime | None]
    # The institution's record language when the decision was made: its record prints the same labels however
    # often it is rebuilt (records are made from the stored decision on every download), whatever the setting is now.
    record_language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")

    proposal: Mapped[Proposal] = relationship()
    version: Mapped[ProposalVersion] = relationship()
    committee: Mapped[Committee | None] = relationship()
    supersedes: Mapped[Decision | None] = relationship(remote_side=[id], foreign_keys=[supersedes_id])
    signatures: Mapped[list[DecisionSignature]] = relationship(order_by="DecisionSignature.id", lazy="selectin")
    conditions: Mapped[list[Condition]] = relationship(order_by="Condition.position", lazy="selectin")

    @property
    def final(self) -> bool:
        return self.state == FINAL

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    def determination_list(self) -> list[dict[str, Any]]:
        return json.loads(self.determinations)

    def judgment_list(self) -> list[dict[str, Any]]:
        return json.loads(self.judgments)

    @property
    def dual_use(self) -> bool:
        return any(d["dual_use"] for d in self.determination_list())


class DecisionSignature(db.Model):
    __tablename__ = "decision_signatures"
    __table_args__ = (UniqueConstraint("decision_id", "signer_id"),)  # two signatures need two people

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signature_id: Mapped[int] = mapped_column(ForeignKey("signatures.id"))

    signature: Mapped[Signature] = relationship(lazy="joined")


CONDITION_STATES = ("open", "evidence_submitted", "verified")


class Condition(db.Model):
    """A condition of the risk mitigation plan: who owes it, by when, the evidence and whether it was verified."""

    __tablename__ = "decision_conditions"
    __table_args__ = (
        UniqueConstraint("decision_id", "position"),
        CheckConstraint("status IN ('open', 'evidence_submitted', 'verified')", name="status"),
        CheckConstraint("owner IN ('investigator', 'coordinator')", name="owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(24), default="open")
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_at: Mapped[datetime | None]
    evidence_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str] = mapped_column(Text, default="")  # why evidence was not accepted, if it was not
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    def status_on(self, today: date) -> str:
        if self.status == "verified":
            return "done"
        if self.status == "evidence_submitted":
            return "evidence_submitted"
        return clock_status(self.due_on, False, today)


# The owners a criteria set may name (review_criteria/schema.json). The investigators owe their own clocks; the
# review office (the institution's coordinators) keeps every other one.
CLOCK_OWNERS = ("investigator", "reviewer", "chair", "coordinator", "governance", "admin")


class RegulatoryClock(db.Model):
    """A deadline a determination started: who owes it, when it falls due, when it was met."""

    __tablename__ = "clocks"
    __table_args__ = (
        CheckConstraint(f"owner IN ({', '.join(repr(o) for o in CLOCK_OWNERS)})", name="owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    set_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(index=True)
    repeat_days: Mapped[int | None] = mapped_column(Integer)
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completion_note: Mapped[str] = mapped_column(Text, default="")
    superseded_at: Mapped[datetime | None]  # a later decision replaced the one that started it

    proposal: Mapped[Proposal] = relationship()

    def status_on(self, today: date) -> str:
        if self.superseded_at is not None:
            return "superseded"
        return clock_status(self.due_on, self.completed_at is not None, today)


APPEAL_LEVELS = {"institutional": N_("Institutional"), "funding_agency": N_("Funding agency")}
APPEAL_OUTCOMES = {"pending": N_("Pending"), "upheld": N_("Decision upheld"), "overturned": N_("Decision overturned"),
                   "modified": N_("Decision modified")}


class Appeal(db.Model):
    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint("level IN ('institutional', 'funding_agency')", name="level"),
        CheckConstraint("outcome IN ('pending', 'upheld', 'overturned', 'modified')", name="outcome"),
        CheckConstraint("(outcome = 'pending') = (decided_on IS NULL)", name="decided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    level: Mapped[str] = mapped_column(String(16))
    grounds: Mapped[str] = mapped_column(Text)
    filed_on: Mapped[date]
    reviewer: Mapped[str] = mapped_column(String(200), default="")  # who heard it (a body or a person)
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None]
    new_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))

    appellant: Mapped[User] = relationship()
    decision: Mapped[Decision] = relationship(foreign_keys=[decision_id])
