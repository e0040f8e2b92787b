"""Decisions and their clocks as the API reads them: what the decision page shows its readers, and nothing more."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from portal.api.schemas import ApiModel, PageInfo, Pagination, Timestamp
from portal.criteria.model import DECISION_OUTCOMES
from portal.database import MAX_ID
from portal.decisions.models import APPEAL_LEVELS, APPEAL_OUTCOMES, CLOCK_OWNERS, CONDITION_STATES, KINDS

Outcome = Literal[DECISION_OUTCOMES]  # type: ignore[valid-type]
Kind = Literal[KINDS]  # type: ignore[valid-type]
DecisionState = Literal["awaiting_signatures", "final"]
# What a clock's status can be on a given day (decisions.rules.clock_status, or superseded by a later decision).
ClockState = Literal["open", "due_soon", "overdue", "done", "superseded"]
ConditionStatus = Literal["open", "due_soon", "overdue", "evidence_submitted", "done"]


class CommitteeRef(ApiModel):
    id: int
    name: str


class DecisionSummary(ApiModel):
    id: int
    proposal_id: int
    proposal_title: str
    version_number: int = Field(description="The proposal version the decision is about.")
    committee: CommitteeRef | None = Field(description="None for a coordinator's administrative determination.")
    kind: Kind  # type: ignore[valid-type]
    outcome: Outcome  # type: ignore[valid-type]
    outcome_label: str
    state: DecisionState
    required_signatures: int = Field(description="Two for a final dual-use determination, else one.")
    created_at: Timestamp
    finalized_at: Timestamp | None = Field(description="When the last required signature made it final.")
    supersedes_id: int | None = Field(description="The decision this correction or appeal decision replaces.")
    superseded_by_id: int | None = Field(description="The decision that replaced this one, if any.")


class DecisionList(ApiModel):
    items: list[DecisionSummary]
    page: PageInfo


class DecisionListQuery(Pagination):
    outcome: Outcome | None = Field(None, description="Only decisions with this outcome.")  # type: ignore[valid-type]
    kind: Kind | None = Field(None, description="Only decisions of this kind.")  # type: ignore[valid-type]
    state: DecisionState | None = Field(None, description="Only final decisions, or only those awaiting signatures.")
    proposal_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only the decisions on this proposal.")
    decided_since: Timestamp | None = Field(None, description="Only decisions made final at or after this time.")
    sort: Literal["-created_at", "created_at", "id", "-id"] = Field(
        "-created_at", description="Order: a field name, with `-` for descending.")


class Determination(ApiModel):
    set_id: str
    set_title: str
    set_version: int
    set_digest: str = Field(description="SHA-256 of the criteria set file the determination was made under.")
    determination_id: str
    title: str
    dual_use: bool
    rationale: str
    provisional_outcome_id: str = Field(description="The screening's provisional outcome under this set.")
    provisional_outcome_title: str


class Judgment(ApiModel):
    set_id: str
    criterion: str
    question: str
    answer: Literal["yes", "no"]
    rationale: str


class DecisionSignatureInfo(ApiModel):
    signer_id: int
    printed_name: str
    meaning: str
    signed_at: Timestamp


class ConditionInfo(ApiModel):
    id: int
    position: int
    description: str
    owner: Literal["investigator", "coordinator"]
    due_on: date
    stored_status: Literal[CONDITION_STATES]  # type: ignore[valid-type]
    status: ConditionStatus = Field(description="As the page shows it today (open conditions may be due soon or "
                                                "overdue).")
    evidence: str = Field(description="What the owner submitted as evidence (empty until then).")
    review_note: str = Field(description="Why the evidence was returned, if it was.")


class ClockInfo(ApiModel):
    id: int
    proposal_id: int
    decision_id: int
    set_id: str
    kind: str
    title: str
    owner: Literal[CLOCK_OWNERS]  # type: ignore[valid-type]
    due_on: date
    status: ClockState = Field(description="As of today.")
    repeats_every_days: int | None = Field(description="A recurring duty starts its next clock when this is met.")
    completed_at: Timestamp | None


class AppealInfo(ApiModel):
    id: int
    level: Literal[tuple(APPEAL_LEVELS)]  # type: ignore[valid-type]
    appellant_name: str
    grounds: str
    filed_on: date
    outcome: Literal[tuple(APPEAL_OUTCOMES)]  # type: ignore[valid-type]
    reviewer: str = Field(description="Who heard the appeal (empty while pending).")
    outcome_note: str
    decided_on: date | None
    new_decision_id: int | None = Field(description="The decision that replaced the appealed one, if any.")


class DecisionDetail(DecisionSummary):
    rationale: str
    determinations: list[Determination]
    judgments: list[Judgment] = Field(description="The human judgments the criteria sets require.")
    content_sha256: str = Field(description="SHA-256 of the decision's canonical content: what every signer signs.")
    signatures: list[DecisionSignatureInfo]
    conditions: list[ConditionInfo] = Field(description="The conditions of the risk mitigation plan.")
    clocks: list[ClockInfo] = Field(description="The regulatory clocks the decision started.")
    appeals: list[AppealInfo]
    record_available: bool = Field(description="Whether you may read its signed record (`record.json`): final "
                                               "decisions, for the committee, coordinators and governance.")


class ClockList(ApiModel):
    items: list[ClockInfo]
    page: PageInfo


class ClockListQuery(Pagination):
    state: ClockState | None = Field(None, description="Only clocks in this state today.")
    proposal_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only the clocks of this proposal.")
    sort: Literal["due_on", "-due_on", "id", "-id"] = Field(
        "due_on", description="Order: a field name, with `-` for descending.")
