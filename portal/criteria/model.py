"""The compiled form of a criteria set and the result of screening. Pure data."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from portal.criteria.conditions import Condition


class Severity(IntEnum):
    """How cautious an outcome is; gates are ordered from most to least cautious."""

    NONE = 0
    INFO = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    PROHIBITED = 5

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


POLICY_STATUSES = ("in_force", "superseded", "provisional", "voluntary")
QUESTION_TYPES = ("yes_no_unsure", "single_choice", "multiple_choice", "text", "number", "date", "attestation")
UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    type: str
    help: str = ""
    choices: tuple[Choice, ...] = ()
    allow_unsure: bool = False
    required: bool = True
    show_if: Condition | None = None
    shared: bool = False  # defined in review_criteria/questions/, answered once for every set


@dataclass(frozen=True, slots=True)
class HumanJudgment:
    question: str
    by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    title: str
    when: Condition
    weight: int
    human_judgment: HumanJudgment | None = None
    description: str = ""
    question_ids: tuple[str, ...] = ()  # the questions `when` looks at, sorted once at load
    indicators: tuple[str, ...] = ()  # public-policy phrases for the consistency check; outside the digest


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    title: str
    severity: Severity
    when: Condition | None = None  # None for the default outcome
    description: str = ""


@dataclass(frozen=True, slots=True)
class Clock:
    kind: str
    title: str
    due_days: int  # from the decision (or, for screening clocks, from the screening)
    owner: str  # a role: investigator, coordinator, chair ...
    repeat_days: int | None = None  # a recurring duty (progress reports): the next one falls due this much later


# What a committee may decide (design §2 step 5). A set constrains these through its determinations' `forbids`.
DECISION_OUTCOMES = (
    "approved",
    "approved_with_conditions",
    "revisions_required",
    "not_approved",
    "referred_to_funding_agency",
    "prohibited",
)


@dataclass(frozen=True, slots=True)
class Determination:
    """What a committee may determine under a set (e.g. not in scope, Category 1, Category 2, both). The
    screening only proposes; people determine, and the determination starts its clocks."""

    id: str
    title: str
    dual_use: bool  # a final dual-use determination: the decision needs two distinct signers
    clocks: tuple[Clock, ...] = ()
    forbids: tuple[str, ...] = ()  # decision outcomes ruled out, e.g. a prohibited determination forbids approval
    description: str = ""


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    answers: dict[str, Any]
    expect: str
    expect_criteria: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    title: str
    version: int
    policy_status: str
    jurisdiction: str
    effective_from: str | None
    effective_until: str | None
    sources: tuple[dict[str, str], ...]
    summary: str
    questions: tuple[Question, ...]  # in display order, shared ones included
    criteria: tuple[Criterion, ...]  # in evaluation order (references resolved first)
    outcomes: tuple[Outcome, ...]  # gates, most cautious first
    default_outcome: Outcome
    routing: dict[str, tuple[str, ...]]
    clocks: dict[str, tuple[Clock, ...]]
    examples: tuple[Example, ...]
    digest: str
    path: str
    question_order: tuple[Question, ...] = field(default=())  # show_if dependencies first
    determinations: tuple[Determination, ...] = field(default=())  # in display order
    # language code -> the file's `translations:` block (shared questions' translations merged in); display only
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the set is written in: English (the base text) and every translation."""
        return (BASE_LANGUAGE, *sorted(self.translations))

    def localized(self, language: str | None) -> CriteriaSet:
        """This set with its titles, questions, help, choice labels, criteria, outcomes and determinations in
        `language`, each string falling back to English; ids, conditions and digest are unchanged."""
        return _localized(self, language)

    def untranslated(self, language: str) -> list[str]:
        """What the set shows that `language` does not translate (key paths as in the file); [] when complete."""
        return _missing_texts(self, language)

    def determination(self, determination_id: str) -> Determination | None:
        return next((d for d in self.determinations if d.id == determination_id), None)

    @property
    def optional_questions(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions if not q.required)

    def outcome(self, outcome_id: str) -> Outcome:
        if outcome_id == self.default_outcome.id:
            return self.default_outcome
        return next(o for o in self.outcomes if o.id == outcome_id)

    @property
    def all_outcomes(self) -> tuple[Outcome, ...]:
        return (*self.outcomes, self.default_outcome)


# -- languages ----------------------------------------------------------------------------------------------
# A set file (and a shared question file) may carry a top-level `translations:` block keyed by language code:
#   translations:
#     zh_CN:
#       title: ...
#       summary: ...
#       questions: {<question id>: {text: ..., help: ..., choices: {<choice id>: <label>}}}
#       criteria: {<criterion id>: {title: ..., description: ..., human_judgment: ...}}
#       outcomes: {<outcome id, the default outcome included>: {title: ..., description: ...}}
#       determinations: {<determination id>: {title: ..., description: ...}}
# English stays the base text; a translation changes what is shown, never ids, conditions or stored screenings.
BASE_LANGUAGE = "en"

# Between two Chinese characters (or full-width punctuation) a folded line break is no space.
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def _flat(text: str) -> str:
    return _CJK_GAP.sub("", " ".join(text.split()))


def _localized(criteria_set: CriteriaSet, language: str | None) -> CriteriaSet:
    """The set as shown in `language`: every string the translation gives, English for every other one."""
    block = criteria_set.translations.get(language or BASE_LANGUAGE)
    if not block:
        return criteria_set
    questions = {q.id: _question(q, block.get("questions", {}).get(q.id)) for q in criteria_set.questions}
    criteria = block.get("criteria", {})
    outcomes = block.get("outcomes", {})
    determinations = block.get("determinations", {})
    return dataclasses.replace(
        criteria_set,
        title=block.get("title", criteria_set.title),
        summary=_flat(block["summary"]) if block.get("summary") else criteria_set.summary,
        questions=tuple(questions[q.id] for q in criteria_set.questions),
        question_order=tuple(questions.get(q.id, q) for q in criteria_set.question_order),
        criteria=tuple(_criterion(c, criteria.get(c.id)) for c in criteria_set.criteria),
        outcomes=tuple(_titled(o, outcomes.get(o.id)) for o in criteria_set.outcomes),
        default_outcome=_titled(criteria_set.default_outcome, outcomes.get(criteria_set.default_outcome.id)),
        determinations=tuple(_titled(d, determinations.get(d.id)) for d in criteria_set.determinations),
    )


def _missing_texts(criteria_set: CriteriaSet, language: str) -> list[str]:
    """What the set shows that `language` does not translate (key paths as in the file); [] when complete."""
    block = criteria_set.translations.get(language, {})
    missing = [] if block.get("title") else ["title"]
    if criteria_set.summary and not block.get("summary"):
        missing.append("summary")
    questions = block.get("questions", {})
    for q in criteria_set.questions:
        entry = questions.get(q.id, {})
        for key in ("text", "help"):
            if getattr(q, key) and not entry.get(key):
                missing.append(f"questions.{q.id}.{key}")
        missing += [f"questions.{q.id}.choices.{c.id}" for c in q.choices if c.id not in entry.get("choices", {})]
    for c in criteria_set.criteria:
        entry = block.get("criteria", {}).get(c.id, {})
        missing += [f"criteria.{c.id}.{key}" for key in _texts(c) if not entry.get(key)]
    for o in criteria_set.all_outcomes:
        entry = block.get("outcomes", {}).get(o.id, {})
        missing += [f"outcomes.{o.id}.{key}" for key in _texts(o) if not entry.get(key)]
    for d in criteria_set.determinations:
        entry = block.get("determinations", {}).get(d.id, {})
        missing += [f"determinations.{d.id}.{key}" for key in _texts(d) if not entry.get(key)]
    return missing


def _texts(item: Criterion | Outcome | Determination) -> list[str]:
    keys = ["title"] + (["description"] if item.description else [])
    if isinstance(item, Criterion) and item.human_judgment:
        keys.append("human_judgment")
    return keys


def _question(question: Question, entry: Mapping[str, Any] | None) -> Question:
    if not entry:
        return question
    labels = entry.get("choices", {})
    return dataclasses.replace(
        question,
        text=_flat(entry.get("text", question.text)),
        help=_flat(entry["help"]) if entry.get("help") else question.help,
        choices=tuple(Choice(c.id, labels.get(c.id, c.label)) for c in question.choices),
    )


def _criterion(criterion: Criterion, entry: Mapping[str, Any] | None) -> Criterion:
    if not entry:
        return criterion
    judgment = criterion.human_judgment
    if judgment and entry.get("human_judgment"):
        judgment = HumanJudgment(_flat(entry["human_judgment"]), judgment.by)
    return dataclasses.replace(
        _titled(criterion, entry),
        human_judgment=judgment,
    )


def _titled(item: Any, entry: Mapping[str, Any] | None) -> Any:
    if not entry:
        return item
    return dataclasses.replace(
        item,
        title=entry.get("title", item.title),
        description=_flat(entry["description"]) if entry.get("description") else item.description,
    )


@dataclass(frozen=True, slots=True)
class Clause:
    """One leaf of a condition as the engine evaluated it: what it says and whether it held."""

    text: str
    value: bool | None  # None: it depends on an "unsure" or missing answer


@dataclass(frozen=True, slots=True)
class Finding:
    criterion_id: str
    title: str
    triggered: bool
    via_unsure: bool  # triggered only because an answer was "unsure" or missing
    weight: int
    answers: tuple[tuple[str, Any], ...]  # the answers the criterion looked at
    clauses: tuple[Clause, ...]
    human_judgment: HumanJudgment | None


@dataclass(frozen=True, slots=True)
class Screening:
    """What the engine says about one proposal under one set. Provisional: people decide."""

    set_id: str
    set_version: int
    set_digest: str
    engine_version: str
    outcome_id: str
    outcome_title: str
    severity: Severity
    outcome_via_unsure: bool
    outcome_clauses: tuple[Clause, ...]
    score: int  # triage priority 0-100, never a determination
    findings: tuple[Finding, ...]
    required_judgments: tuple[tuple[str, HumanJudgment], ...]  # (criterion id, judgment)
    missing: tuple[str, ...]  # visible questions without an answer
    unsure: tuple[str, ...]  # visible questions answered "unsure"
    hidden: tuple[str, ...]  # questions that did not apply

    def to_dict(self) -> dict[str, Any]:
        return {
            "set_id": self.set_id,
            "set_version": self.set_version,
            "set_digest": self.set_digest,
            "engine_version": self.engine_version,
            "outcome": {
                "id": self.outcome_id,
                "title": self.outcome_title,
                "severity": self.severity.label,
                "via_unsure": self.outcome_via_unsure,
                "clauses": [_clause(c) for c in self.outcome_clauses],
            },
            "score": self.score,
            "findings": [
                {
                    "criterion": f.criterion_id,
                    "title": f.title,
                    "triggered": f.triggered,
                    "via_unsure": f.via_unsure,
                    "weight": f.weight,
                    "answers": [[q, a] for q, a in f.answers],
                    "clauses": [_clause(c) for c in f.clauses],
                    "human_judgment": _judgment(f.human_judgment),
                }
                for f in self.findings
            ],
            "required_judgments": [{"criterion": cid, **_judgment(j)} for cid, j in self.required_judgments],
            "missing": list(self.missing),
            "unsure": list(self.unsure),
            "hidden": list(self.hidden),
        }


def _clause(clause: Clause) -> dict[str, Any]:
    return {"text": clause.text, "value": clause.value}


def _judgment(judgment: HumanJudgment | None) -> dict[str, Any] | None:
    if judgment is None:
        return None
    return {"question": judgment.question, "by": list(judgment.by)}
