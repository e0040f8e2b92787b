"""Precision and recall of a matcher on labelled, fictional proposals (bench/consistency_evaluation.yaml), so that
a threshold is chosen on evidence and both matchers can be compared on the same cases. Pure apart from reading the
case file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from portal.consistency.matching import Candidate, Finding, Matcher, find_inconsistencies
from portal.consistency.passages import split_passages
from portal.criteria.model import CriteriaSet, Criterion

FIELDS = ("title", "lay_summary", "aims", "methods_summary")


@dataclass(frozen=True, slots=True)
class Label:
    """A contradiction a person marked: a quoted piece of one passage and the criterion ("set/criterion") it
    contradicts."""

    passage: str
    criterion: str


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    fields: dict[str, str]
    denied: tuple[str, ...]  # "set/criterion" the answers denied
    contradictions: tuple[Label, ...]


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int


def load_cases(path: Path) -> list[Case]:
    """The cases of an evaluation file (format at the top of bench/consistency_evaluation.yaml)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    cases = []
    for item in data:
        fields = {name: str(item.get("fields", {}).get(name) or "") for name in FIELDS}
        labels = tuple(Label(str(c["passage"]), str(c["criterion"])) for c in item.get("contradictions") or ())
        cases.append(Case(str(item["id"]), fields, tuple(str(d) for d in item.get("denied") or ()), labels))
    return cases


def candidates_for(case: Case, sets: Mapping[str, CriteriaSet]) -> list[Candidate]:
    """The case's denied criteria with the shipped sets' real indicators (unknown ids are left out)."""
    candidates = []
    for key in case.denied:
        criterion = _criterion(key, sets)
        if criterion is not None:
            set_id = key.split("/", 1)[0]
            candidates.append(
                Candidate(set_id, sets[set_id].version, criterion.id, criterion.title, criterion.indicators)
            )
    return candidates


def findings_for(matcher: Matcher, case: Case, sets: Mapping[str, CriteriaSet]) -> list[Finding]:
    """What the check would list for this case, exactly as the portal computes it."""
    return find_inconsistencies(split_passages(case.fields), candidates_for(case, sets), matcher)


def evaluate(matcher: Matcher, cases: Iterable[Case], sets: Mapping[str, CriteriaSet]) -> Scores:
    """A listed (passage, criterion) is a true positive when an unused label of that criterion quotes text inside
    the passage; each label counts once. Labels never listed are false negatives."""
    tp = fp = fn = 0
    for case in cases:
        used: set[int] = set()
        for finding in findings_for(matcher, case, sets):
            index = _matching_label(case.contradictions, finding, used)
            if index is None:
                fp += 1
            else:
                used.add(index)
                tp += 1
        fn += len(case.contradictions) - len(used)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores(round(precision, 3), round(recall, 3), tp, fp, fn)


def check_cases(cases: Sequence[Case], sets: Mapping[str, CriteriaSet]) -> list[str]:
    """Problems that would make the figures meaningless: unknown or duplicate ids, a denied criterion without
    indicators, a label of a criterion not denied, a quote found in no single passage."""
    problems: list[str] = []
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            problems.append(f"{case.id}: duplicate case id")
        seen.add(case.id)
        for key in case.denied:
            criterion = _criterion(key, sets)
            if criterion is None:
                problems.append(f"{case.id}: unknown criterion '{key}'")
            elif not criterion.indicators:
                problems.append(f"{case.id}: denied criterion '{key}' has no indicators")
        passages = [p.text.casefold() for p in split_passages(case.fields)]
        for label in case.contradictions:
            if _criterion(label.criterion, sets) is None:
                problems.append(f"{case.id}: unknown criterion '{label.criterion}'")
            elif label.criterion not in case.denied:
                problems.append(f"{case.id}: '{label.criterion}' is labelled but not denied")
            if not any(_normal(label.passage) in _normal(text) for text in passages):
                problems.append(f"{case.id}: quote not found in any passage: {label.passage!r}")
    return problems


def _criterion(key: str, sets: Mapping[str, CriteriaSet]) -> Criterion | None:
    set_id, _, criterion_id = key.partition("/")
    criteria_set = sets.get(set_id)
    if criteria_set is None:
        return None
    return next((c for c in criteria_set.criteria if c.id == criterion_id), None)


def _matching_label(labels: Sequence[Label], finding: Finding, used: set[int]) -> int | None:
    key = f"{finding.candidate.set_id}/{finding.candidate.criterion_id}"
    text = _normal(finding.passage.text)
    for index, label in enumerate(labels):
        if index not in used and label.criterion == key and _normal(label.passage) in text:
            return index
    return None


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())
