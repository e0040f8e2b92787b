from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.extensions import db
from portal.i18n.marks import N_
from portal.proposals.models import Proposal, ProposalVersion
from portal.reviews.rules import Advice, Assessment

ACTIVE = "active"
WITHDRAWN = "withdrawn"


class Assignment(db.Model):
    """A committee member asked to review one version of a proposal the committee received at triage."""

    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("proposal_id", "committee_id", "reviewer_id", "version_id"),
        CheckConstraint(f"state IN ('{ACTIVE}', '{WITHDRAWN}')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("proposal_versions.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The backref lets the pure visibility predicate see a proposal's assignments without a query of its own.
    proposal: Mapped[Proposal] = relationship(
        backref=backref("review_assignments", order_by="Assignment.id", lazy="select")
    )
    committee: Mapped[Committee] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    version: Mapped[ProposalVersion] = relationship()

    @property
    def active(self) -> bool:
        return self.state == ACTIVE


DRAFT = "draft"
SUBMITTED = "submitted"


class Recommendation(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    REVISIONS_REQUIRED = "revisions_required"
    NOT_APPROVE = "not_approve"
    REFER_TO_FUNDING_AGENCY = "refer_to_funding_agency"

    @property
    def label(self) -> str:
        return RECOMMENDATION_LABELS[self]


# English, marked with N_ and translated where shown.
RECOMMENDATION_LABELS = {
    Recommendation.APPROVE: N_("Approve"),
    Recommendation.APPROVE_WITH_CONDITIONS: N_("Approve with conditions (a risk mitigation plan)"),
    Recommendation.REVISIONS_REQUIRED: N_("Revisions required before a decision"),
    Recommendation.NOT_APPROVE: N_("Do not approve"),
    Recommendation.REFER_TO_FUNDING_AGENCY: N_("Refer to the funding agency"),
}
_RECOMMENDATIONS = ", ".join(f"'{r.value}'" for r in Recommendation)


class Review(db.Model):
    """One reviewer's advice on one version, for one assignment: per criterion, agreement with the screen and
    a rationale; the required human judgments as advice; a recommendation; and two comments, one for the
    committee only and one that may be passed to the investigator (never without an explicit release)."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(f"state IN ('{DRAFT}', '{SUBMITTED}')", name="state"),
        CheckConstraint(
            f"recommendation IS NULL OR recommendation IN ({_RECOMMENDATIONS})", name="recommendation"
        ),
        CheckConstraint(
            f"state = '{DRAFT}' OR (recommendation IS NOT NULL AND submitted_at IS NOT NULL)", name="submitted_complete"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("review_assignments.id"), unique=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("proposal_versions.id"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=DRAFT)
    # Canonical JSON: {"<set id>/<criterion id>": {"agree": true|false, "rationale": "..."}}
    assessments: Mapped[str] = mapped_column(Text, default="{}")
    # Canonical JSON: {"<set id>/<criterion id>": {"advice": "yes"|"no"|"unsure", "rationale": "..."}}
    judgments: Mapped[str] = mapped_column(Text, default="{}")
    recommendation: Mapped[str | None] = mapped_column(String(32))
    committee_comment: Mapped[str] = mapped_column(Text, default="")
    investigator_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    # The consistency check the reviewer was shown (the version's latest finished one when the review was saved):
    # its findings pointed to passages; the review records that it was there, not that it decided anything.
    consistency_check_id: Mapped[int | None] = mapped_column(ForeignKey("consistency_checks.id"))
    # Optimistic locking: a save based on an older copy is refused with "changed since you opened it".
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    assignment: Mapped[Assignment] = relationship(backref=backref("review", uselist=False, lazy="select"))
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    version: Mapped[ProposalVersion] = relationship()

    @property
    def submitted(self) -> bool:
        return self.state == SUBMITTED

    @property
    def recommendation_enum(self) -> Recommendation | None:
        return Recommendation(self.recommendation) if self.recommendation else None

    def assessment_map(self) -> dict[str, Assessment]:
        return parse_assessments(self.assessments)

    def judgment_map(self) -> dict[str, Advice]:
        return {k: Advice(v.get("advice"), v.get("rationale", "")) for k, v in json.loads(self.judgments).items()}


def parse_assessments(stored: str) -> dict[str, Assessment]:
    return {k: Assessment(v.get("agree"), v.get("rationale", "")) for k, v in json.loads(stored or "{}").items()}
