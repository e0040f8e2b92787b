"""Proposals as the API reads and writes them. The editable fields, their limits and choices come from
`proposals.fields.FIELDS`, the one description the forms use too."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, create_model

from portal.api.schemas import ApiModel, PageInfo, Pagination, Timestamp
from portal.proposals.fields import FIELDS, ContainmentLevel, FundingSource, TeamRole
from portal.proposals.states import ProposalState

AnswerValue = str | list[str]
_CHOICES: dict[str, type[StrEnum]] = {"funding_source": FundingSource, "containment_level": ContainmentLevel}


class PersonRef(ApiModel):
    id: int
    name: str


class TeamMember(ApiModel):
    user_id: int
    name: str
    role: TeamRole


class ProposalSummary(ApiModel):
    id: int
    title: str
    state: ProposalState
    state_label: str
    pi: PersonRef
    version_count: int
    created_at: Timestamp
    updated_at: Timestamp
    submitted_at: Timestamp | None


class ProposalList(ApiModel):
    items: list[ProposalSummary]
    page: PageInfo


class ProposalListQuery(Pagination):
    state: ProposalState | None = Field(None, description="Only proposals in this state.")
    q: str | None = Field(None, min_length=1, max_length=200, description="Words the title contains.")
    updated_since: Timestamp | None = Field(None, description="Only proposals changed at or after this time.")
    sort: Literal["-updated_at", "updated_at", "title", "-title", "id", "-id"] = Field(
        "-updated_at", description="Order: a field name, with `-` for descending.")


def _field_type(name: str, max_length: int) -> tuple[Any, Any]:
    if name in _CHOICES:
        return _CHOICES[name] | None, Field(None)
    return str | None, Field(None, max_length=max_length)


# The fields of a draft, as they are read.
ProposalFields = create_model(
    "ProposalFields", __base__=ApiModel,
    **{spec.name: (str, Field(description=spec.label)) if spec.name not in _CHOICES
       else (_CHOICES[spec.name] | None, Field(description=spec.label)) for spec in FIELDS},
)

# PATCH: any of the fields (each within its limit), the screening answers, and the lock version last read.
ProposalUpdate = create_model(
    "ProposalUpdate", __base__=ApiModel,
    lock_version=(int, Field(description="The `lock_version` you read: a change made since then is refused (409).")),
    screening_answers=(dict[str, AnswerValue] | None, Field(
        None, description="Every answer, keyed by question id (this replaces the saved answers).")),
    **{spec.name: _field_type(spec.name, spec.max_length) for spec in FIELDS},
)


class ProposalCreate(ApiModel):
    title: str = Field(min_length=1, max_length=300)
    pi_email: str | None = Field(None, max_length=254,
                                 description="The principal investigator, when you prepare the draft for them.")


class ProposalDetail(ProposalSummary):
    fields: ProposalFields  # type: ignore[valid-type]
    team: list[TeamMember]
    screening_answers: dict[str, AnswerValue]
    lock_version: int = Field(description="Send it back with a PATCH: the change is refused if it moved.")
    missing: list[str] = Field(description="What submission still needs (empty once complete).")


class SubmitRequest(ApiModel):
    password: str = Field(min_length=1, max_length=1024, description="Your password: it signs the version.")
    printed_name: str = Field(min_length=1, max_length=200, description="Your name exactly as on your account.")
    attest: Literal[True] = Field(description="You attest that the proposal is accurate and complete.")


class SignatureInfo(ApiModel):
    signer_id: int
    printed_name: str
    meaning: str
    signed_at: Timestamp


class VersionSummary(ApiModel):
    number: int
    step: Literal["submit", "amend", "resubmit"]
    content_sha256: str = Field(description="SHA-256 of the version's canonical JSON: what the signature covers.")
    created_at: Timestamp
    signature: SignatureInfo
