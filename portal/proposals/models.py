from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.clock import utcnow
from portal.conflicts.models import ConflictDeclaration
from portal.extensions import db
from portal.proposals.fields import ContainmentLevel, FundingSource, TeamRole
from portal.proposals.states import ProposalState
from portal.signatures.models import Signature

_STATES = ", ".join(f"'{s.value}'" for s in ProposalState)
_FUNDING = ", ".join(f"'{s.value}'" for s in FundingSource)
_CONTAINMENT = ", ".join(f"'{s.value}'" for s in ContainmentLevel)
_TEAM = ", ".join(f"'{s.value}'" for s in TeamRole)


class Proposal(db.Model):
    """The working copy. What was submitted lives in ProposalVersion and never changes."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATES})", name="state"),
        CheckConstraint(f"funding_source IS NULL OR funding_source IN ({_FUNDING})", name="funding_source"),
        CheckConstraint(
            f"containment_level IS NULL OR containment_level IN ({_CONTAINMENT})", name="containment_level"
        ),
        CheckConstraint("(state = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_at"),
        CheckConstraint(
            "state IN ('draft', 'withdrawn') OR (submitted_at IS NOT NULL AND version_count > 0)",
            name="submitted_has_version",
        ),
        CheckConstraint("(submitted_at IS NULL) = (version_count = 0)", name="version_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    pi_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(300))
    lay_summary: Mapped[str] = mapped_column(Text, default="")
    aims: Mapped[str] = mapped_column(Text, default="")
    methods_summary: Mapped[str] = mapped_column(Text, default="")
    funding_source: Mapped[str | None] = mapped_column(String(20))
    funding_agency: Mapped[str] = mapped_column(String(200), default="")
    award_number: Mapped[str] = mapped_column(String(100), default="")
    sites: Mapped[str] = mapped_column(Text, default="")
    countries: Mapped[str] = mapped_column(String(1000), default="")
    containment_level: Mapped[str | None] = mapped_column(String(20))
    # Answers to the screening questions of the criteria sets, keyed by question id (issue 3 fills them).
    screening_answers: Mapped[str] = mapped_column(Text, default="{}")
    state: Mapped[str] = mapped_column(String(24), default=ProposalState.DRAFT.value, index=True)
    version_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]  # first submission
    withdrawn_at: Mapped[datetime | None]
    # Optimistic locking: two people saving the same draft cannot silently overwrite each other.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    pi: Mapped[User] = relationship(foreign_keys=[pi_id])
    members: Mapped[list[ProposalMember]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalMember.id"
    )
    collaborators: Mapped[list[ExternalCollaborator]] = relationship(
        cascade="all, delete-orphan", order_by="ExternalCollaborator.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")
    versions: Mapped[list[ProposalVersion]] = relationship(order_by="ProposalVersion.number")
    conflict_declarations: Mapped[list[ConflictDeclaration]] = relationship(order_by="ConflictDeclaration.id")

    @property
    def state_enum(self) -> ProposalState:
        return ProposalState(self.state)

    @property
    def current_attachments(self) -> list[Attachment]:
        return [a for a in self.attachments if a.removed_at is None]


class ProposalMember(db.Model):
    """A portal user on the team: co-investigator, or a preparer who drafts for the PI."""

    __tablename__ = "proposal_members"
    __table_args__ = (
        UniqueConstraint("proposal_id", "user_id"),
        CheckConstraint(f"role IN ({_TEAM})", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    proposal: Mapped[Proposal] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class ExternalCollaborator(db.Model):
    """A named collaborator who has no portal account."""

    __tablename__ = "external_collaborators"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(200), default="")


class Attachment(db.Model):
    """An uploaded PDF. Removing it from a draft only marks it: submitted versions still name it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))  # as the uploader named it, for display
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)  # generated; never user input
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer)
    has_active_content: Mapped[bool] = mapped_column(default=False)  # scripts or embedded files
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]


class ProposalVersion(db.Model):
    """An immutable, signed snapshot of a proposal as submitted."""

    __tablename__ = "proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(20))  # submit, amend or resubmit
    snapshot: Mapped[str] = mapped_column(Text)  # canonical JSON of every field
    content_sha256: Mapped[str] = mapped_column(String(64))
    signature_id: Mapped[int] = mapped_column(ForeignKey("signatures.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    signature: Mapped[Signature] = relationship(lazy="joined")  # listed with every version: no query per row
