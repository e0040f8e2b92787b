"""Ranking the members who could review a proposal, due dates, and what a submittable review needs. Pure: facts
in, answers out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.i18n.marks import N_

_WORD = re.compile(r"[a-z0-9]+")



def default_due_on(today: date, review_due_days: int) -> date:
    """When a review falls due unless whoever assigns it says otherwise: the committee's usual delay."""
    return today + timedelta(days=review_due_days)

def words(text: str) -> set[str]:
    """The lower-case words of a text, for matching expertise tags against a proposal."""
    return set(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    expertise: frozenset[str]  # tags, e.g. {"immunology", "public health"}
    excluded: tuple[str, ...] = ()  # why the person may not review; empty when eligible


@dataclass(frozen=True)
class Suggestion:
    user_id: int
    name: str
    load: int  # active assignments, on any proposal
    matches: tuple[str, ...]  # expertise tags found in the proposal's words
    suggested: bool  # among the first `wanted`


def matching_tags(tags: Iterable[str], expertise_words: set[str]) -> tuple[str, ...]:
    """Tags all of whose words occur in the proposal: "public health" needs both words."""
    return tuple(sorted(t for t in tags if words(t) and words(t) <= expertise_words))


def suggest(
    candidates: Iterable[Candidate], load: Mapping[int, int], expertise_words: set[str], wanted: int
) -> list[Suggestion]:
    """Eligible candidates, fewest active assignments first, then most matching expertise, then by name;
    the first `wanted` are marked as suggested."""
    ranked = sorted(
        (
            (load.get(c.user_id, 0), matching_tags(c.expertise, expertise_words), c)
            for c in candidates
            if not c.excluded
        ),
        key=lambda row: (row[0], -len(row[1]), row[2].name.lower(), row[2].user_id),
    )
    return [
        Suggestion(c.user_id, c.name, n, matches, suggested=i < max(wanted, 0))
        for i, (n, matches, c) in enumerate(ranked)
    ]


# The review form, generated from a version's stored screenings, and what a submitted review must hold.

# Labels in English, marked with N_ and translated where shown.
ADVICE = {"yes": N_("Yes"), "no": N_("No"), "unsure": N_("Not sure")}


@dataclass(frozen=True)
class CriterionItem:
    key: str  # "<set id>/<criterion id>": stable across versions of the proposal
    set_id: str
    set_title: str
    title: str
    met: bool  # the screen found the criterion met (an unsure answer counts)
    via_unsure: bool
    judgment: str | None  # the human judgment the screening asks of the committee, when met


@dataclass(frozen=True)
class Assessment:
    agree: bool | None
    rationale: str = ""


@dataclass(frozen=True)
class Advice:
    advice: str | None  # one of ADVICE
    rationale: str = ""


@dataclass
class ReviewValues:
    """What a reviewer filled in; keys of the maps are CriterionItem keys."""

    assessments: dict[str, Assessment] = field(default_factory=dict)
    judgments: dict[str, Advice] = field(default_factory=dict)
    recommendation: str | None = None
    committee_comment: str = ""
    investigator_comment: str = ""


def criterion_items(screenings: Iterable[Mapping]) -> list[CriterionItem]:
    """Every criterion of every stored screening, met ones first within each set, in the sets' order."""
    items = []
    for result in screenings:
        findings = sorted(result.get("findings", ()), key=lambda f: not f["triggered"])
        for finding in findings:
            judgment = finding.get("human_judgment") if finding["triggered"] else None
            items.append(
                CriterionItem(
                    key=f"{result['set_id']}/{finding['criterion']}",
                    set_id=result["set_id"],
                    set_title=result.get("set_title", result["set_id"]),
                    title=finding["title"],
                    met=bool(finding["triggered"]),
                    via_unsure=bool(finding.get("via_unsure")),
                    judgment=judgment["question"] if judgment else None,
                )
            )
    return items


def default_assessment(item: CriterionItem) -> Assessment:
    """A criterion the screen found not met starts as agreed, so that a reviewer states only what differs;
    a met criterion needs the reviewer's own choice."""
    return Assessment(agree=None if item.met else True)


def submission_problems(
    items: Iterable[CriterionItem],
    assessments: Mapping[str, Assessment],
    judgments: Mapping[str, Advice],
    recommendation: str | None,
) -> dict[str, str]:
    """What stops a review from being submitted, keyed by the field it concerns; empty when complete.
    Met criteria and disagreements need a rationale; every required judgment needs advice and a rationale."""
    problems: dict[str, str] = {}
    for item in items:
        assessment = assessments.get(item.key) or default_assessment(item)
        if assessment.agree is None:
            problems[f"agree-{item.key}"] = f"Say whether you agree with the screen on “{item.title}”."
        elif (item.met or not assessment.agree) and not assessment.rationale.strip():
            problems[f"rationale-{item.key}"] = f"Give your rationale on “{item.title}”."
        if item.judgment:
            advice = judgments.get(item.key) or Advice(None)
            if advice.advice not in ADVICE:
                problems[f"advice-{item.key}"] = f"Give your advice on the judgment “{item.judgment}”."
            elif not advice.rationale.strip():
                problems[f"advice-rationale-{item.key}"] = f"Give the reasons for your advice on “{item.judgment}”."
    if not recommendation:
        problems["recommendation"] = "Choose a recommendation."
    return problems


def disagreements(items: Iterable[CriterionItem], assessments: Iterable[Mapping[str, Assessment]]) -> list[str]:
    """Titles of the criteria on which any of the given reviews disagreed with the screen, in form order:
    the controverted issues a meeting's minutes record."""
    reviews = list(assessments)
    return [
        f"{item.title} ({item.set_title})"
        for item in items
        if any((r.get(item.key) or default_assessment(item)).agree is False for r in reviews)
    ]
