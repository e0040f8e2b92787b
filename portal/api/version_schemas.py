"""Signed versions as the API reads them: the list, one version with its frozen content, the difference between
two versions, and the screenings stored for a version. Frozen data is given back as it was frozen (plain strings
where the working copy has choices), so a later change of a choice list cannot break reading an old version."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, create_model

from portal.api.criteria_schemas import SEVERITY_TEXT, ClockInfo, Judgment
from portal.api.proposal_schemas import AnswerValue, PersonRef, VersionSummary
from portal.api.schemas import ApiModel, Timestamp
from portal.proposals.fields import FIELDS


class VersionList(ApiModel):
    items: list[VersionSummary] = Field(description="Every signed version, oldest first.")


# The fields of a frozen version: each as stored, an empty string when it was not given.
SnapshotFields = create_model(
    "SnapshotFields", __base__=ApiModel,
    **{spec.name: (str, Field("", description=spec.label)) for spec in FIELDS},
)


class SnapshotMember(ApiModel):
    user_id: int
    name: str
    role: str = Field(description="`co_investigator` or `preparer`, as it was when the version was signed.")


class SnapshotCollaborator(ApiModel):
    name: str
    affiliation: str
    role: str


class SnapshotAttachment(ApiModel):
    id: int
    filename: str
    sha256: str
    size: int = Field(description="In bytes.")
    pages: int


class Snapshot(ApiModel):
    """What the principal investigator signed (the people's e-mail addresses, which the pages do not show
    either, are left out)."""

    fields: SnapshotFields  # type: ignore[valid-type]
    pi: PersonRef
    team: list[SnapshotMember]
    collaborators: list[SnapshotCollaborator]
    attachments: list[SnapshotAttachment]
    screening_answers: dict[str, AnswerValue]


class VersionDetail(VersionSummary):
    snapshot: Snapshot


class DiffQuery(ApiModel):
    from_version: int | None = Field(None, alias="from", ge=1,
                                     description="The older version's number; by default the one before `to`.")
    to_version: int | None = Field(None, alias="to", ge=1,
                                   description="The newer version's number; by default the latest.")


class DiffSegment(ApiModel):
    op: Literal["same", "added", "removed"]
    text: str = Field(description="Words with their spacing: the segments of a field, joined, give its text.")


class FieldChange(ApiModel):
    name: str
    label: str
    changed: bool
    segments: list[DiffSegment] = Field(description="The field word by word, as shown (choices by their label).")


class ListChange(ApiModel):
    label: str = Field(description="Team, External collaborators, Attachments or Screening answers.")
    changed: bool
    added: list[str]
    removed: list[str]
    kept: list[str]


class VersionDiff(ApiModel):
    from_version: VersionSummary
    to_version: VersionSummary
    fields: list[FieldChange] = Field(description="Every field, changed or not, in form order.")
    lists: list[ListChange]


class ScreeningOutcome(ApiModel):
    id: str
    title: str
    severity: str = Field(description=SEVERITY_TEXT)
    via_unsure: bool = Field(description="Reached only because an answer was `unsure` or missing.")


class ScreeningFinding(ApiModel):
    criterion: str
    title: str
    triggered: bool
    via_unsure: bool
    weight: int
    human_judgment: Judgment | None


class RequiredJudgment(Judgment):
    criterion: str


class StoredScreening(ApiModel):
    set_id: str
    set_title: str = Field(description="The set's current title; its id when the set is no longer loaded.")
    set_version: int
    set_digest: str = Field(description="SHA-256 of the set as it screened: which exact text applied.")
    policy_status: str | None = Field(description="The source policy's status today; null once the set is gone.")
    engine_version: str
    outcome: ScreeningOutcome
    score: int = Field(description="Triage priority 0-100; never a determination.")
    findings: list[ScreeningFinding]
    required_judgments: list[RequiredJudgment]
    missing: list[str] = Field(description="Questions that applied and had no answer.")
    unsure: list[str] = Field(description="Questions answered `unsure`.")
    hidden: list[str] = Field(description="Questions that did not apply.")
    routing: list[str] = Field(description="The committee kinds the outcome was routed to.")
    clocks: list[ClockInfo] = Field(description="The clocks the outcome starts, as the set said then.")
    recorded_at: Timestamp


class ScreeningList(ApiModel):
    items: list[StoredScreening] = Field(description="One per criteria set the version was screened under.")
