"""Criteria sets as the API reads them: public policy text, the same for every caller, plus whether the caller's
institution applies each set."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from portal.api.schemas import ApiModel
from portal.criteria.model import POLICY_STATUSES, QUESTION_TYPES, Severity

PolicyStatus = Literal[POLICY_STATUSES]  # type: ignore[valid-type]
QuestionType = Literal[QUESTION_TYPES]  # type: ignore[valid-type]
SEVERITY_TEXT = "One of " + ", ".join(f"`{s.label}`" for s in Severity) + ", from least to most cautious."


class Judgment(ApiModel):
    question: str
    by: list[str] = Field(description="The roles whose judgment it is.")


class SourceLink(ApiModel):
    title: str
    url: str
    note: str | None = None


class CriteriaSetSummary(ApiModel):
    id: str
    title: str
    version: int
    digest: str = Field(description="SHA-256 of the set's content: the screenings store it.")
    policy_status: PolicyStatus = Field(description="The status of the source policy, not whether it is applied.")
    policy_status_label: str
    jurisdiction: str
    effective_from: date | None
    effective_until: date | None
    summary: str
    sources: list[SourceLink]
    applied_by_my_institution: bool = Field(description="Your institution screens new versions under this set.")


class CriteriaSetList(ApiModel):
    items: list[CriteriaSetSummary] = Field(description="Sets in force first, then superseded, provisional and "
                                                        "voluntary ones; by title within each.")


class QuestionChoice(ApiModel):
    id: str
    label: str


class CriteriaQuestion(ApiModel):
    id: str
    text: str
    type: QuestionType
    help: str
    choices: list[QuestionChoice]
    allow_unsure: bool = Field(description="`unsure` is an accepted answer.")
    shared: bool = Field(description="Shared by several sets and answered once for all of them.")
    required: bool


class CriteriaCriterion(ApiModel):
    id: str
    title: str
    description: str
    weight: int = Field(description="Its weight in the triage score.")
    human_judgment: Judgment | None = Field(description="The judgment people must make when it is met.")


class ClockInfo(ApiModel):
    kind: str
    title: str
    due_days: int
    owner: str = Field(description="The role that must act.")


class OutcomeClock(ClockInfo):
    repeat_days: int | None = Field(description="For a recurring duty: the next one falls due this much later.")


class CriteriaOutcome(ApiModel):
    id: str
    title: str
    severity: str = Field(description=SEVERITY_TEXT)
    description: str
    default: bool = Field(description="The outcome when no other applies (listed last).")
    routing: list[str] = Field(description="The committee kinds this outcome is routed to.")
    clocks: list[OutcomeClock] = Field(description="The clocks this outcome starts.")


class CriteriaSetDetail(CriteriaSetSummary):
    questions: list[CriteriaQuestion] = Field(description="In display order, shared ones included.")
    criteria: list[CriteriaCriterion]
    outcomes: list[CriteriaOutcome] = Field(description="Most cautious first; the default last.")
