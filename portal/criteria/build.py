"""Building one CriteriaSet from its validated data: resolve, compile, check references and order."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from portal.criteria.conditions import Condition, ConditionError, Vocabulary, compile_condition
from portal.criteria.determinations import compile_determinations, compile_outcome_clocks
from portal.criteria.examples import CHOICE_TYPES, compile_examples, example_problems
from portal.criteria.model import (
    Choice,
    CriteriaSet,
    Criterion,
    HumanJudgment,
    Outcome,
    Question,
    Severity,
)
from portal.criteria.source import Problem, SourceFile

UNSURE_LABEL = "Not sure"
KeyPath = tuple[Any, ...]


class SetBuilder:
    """Collects every problem of one set instead of stopping at the first."""

    def __init__(
        self,
        src: SourceFile,
        shared: Mapping[str, dict],
        lists: Mapping[str, dict],
        shared_translations: Mapping[str, Mapping[str, dict]] | None = None,
    ) -> None:
        self.src, self.shared, self.lists = src, shared, lists
        self.shared_translations = shared_translations or {}
        self.data: dict[str, Any] = src.data
        self.problems: list[Problem] = []

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(self.src.problem(path, message))

    def build(self) -> CriteriaSet | None:
        raw_questions = self._resolve_questions()
        lists_used = {q["list"] for q in raw_questions.values() if "list" in q}
        questions_meta = {qid: (q["type"], q["text"], self._labels(q)) for qid, q in raw_questions.items()}
        criterion_ids = [c["id"] for c in self.data["criteria"]]
        self._duplicates(criterion_ids, "criteria", "criterion")
        self._duplicates([d["id"] for d in self.data["determinations"]], "determinations", "determination")
        criterion_titles = {c["id"]: c["title"] for c in self.data["criteria"]}
        vocabulary = Vocabulary(questions_meta, {k: self._list_labels(k) for k in self.lists}, criterion_titles)
        questions = self._questions(raw_questions, vocabulary)
        criteria = self._criteria(vocabulary)
        outcomes, default = self._outcomes(vocabulary)
        for condition in [*(c.when for c in criteria), *(o.when for o in outcomes)]:
            lists_used |= {leaf.list_id for leaf in condition.leaves() if leaf.list_id}
        self._check_keys(outcomes, default, questions, criteria)
        question_order = self._question_order(questions)
        evaluation_order = self._evaluation_order(criteria)
        translations = self._translations(questions, criteria, [*outcomes, default])
        if self.problems:
            return None
        return CriteriaSet(
            id=self.data["id"],
            title=self.data["title"],
            version=self.data["version"],
            policy_status=self.data["policy_status"],
            jurisdiction=self.data["jurisdiction"],
            effective_from=self.data.get("effective", {}).get("from"),
            effective_until=self.data.get("effective", {}).get("until"),
            sources=tuple(self.data["sources"]),
            summary=self.data.get("summary", "").strip(),
            questions=tuple(questions),
            criteria=evaluation_order,
            outcomes=tuple(outcomes),
            default_outcome=default,
            routing={k: tuple(v) for k, v in self.data.get("routing", {}).items()},
            clocks=compile_outcome_clocks(self.data.get("clocks", {})),
            examples=compile_examples(self.data.get("examples", [])),
            digest=self._digest(raw_questions, lists_used, translations),
            path=self.src.name,
            question_order=question_order,
            determinations=compile_determinations(self.data["determinations"]),
            translations=translations,
        )

    def _translations(
        self, questions: list[Question], criteria: list[Criterion], outcomes: list[Outcome]
    ) -> dict[str, dict[str, Any]]:
        """The file's translations, checked against its ids, with the shared questions' translations merged in."""
        own = self.data.get("translations", {})
        known = {
            "questions": [q.id for q in questions],
            "criteria": [c.id for c in criteria],
            "outcomes": [o.id for o in outcomes],
            "determinations": [d["id"] for d in self.data["determinations"]],
        }
        choices = {q.id: [c.id for c in q.choices] for q in questions}
        for path, message in unknown_ids(own, known, choices):
            self.fail(path, message)
        used = {q.id for q in questions if q.shared}
        shared = {
            language: {qid: entry for qid, entry in by_id.items() if qid in used}
            for language, by_id in self.shared_translations.items()
        }
        return normalise(own, {language: by_id for language, by_id in shared.items() if by_id})

    # -- questions -------------------------------------------------------------------------------
    def _resolve_questions(self) -> dict[str, dict]:
        resolved: dict[str, dict] = {}
        for index, item in enumerate(self.data["questions"]):
            if "use" in item:
                question = self.shared.get(item["use"])
                if question is None:
                    self.fail(("questions", index, "use"), f"unknown shared question '{item['use']}'")
                    continue
            else:
                question = item
                if question["id"] in self.shared:
                    self.fail(
                        ("questions", index, "id"),
                        f"duplicate question id '{question['id']}': it is a "
                        "shared question; write `- use: " + question["id"] + "` instead",
                    )
                    continue
            if question["id"] in resolved:
                self.fail(("questions", index), f"duplicate question id '{question['id']}'")
                continue
            self._check_choices(question, index)
            resolved[question["id"]] = question
        return resolved

    def _check_choices(self, question: dict, index: int) -> None:
        path = ("questions", index)
        if question["type"] in CHOICE_TYPES:
            if ("choices" in question) == ("list" in question):
                self.fail(path, "a choice question needs either `choices` or `list`, not both")
            elif "list" in question and question["list"] not in self.lists:
                self.fail(
                    (*path, "list"),
                    f"unknown list '{question['list']}' (expected review_criteria/lists/{question['list']}.yaml)",
                )
        elif "choices" in question or "list" in question:
            self.fail(path, f"a {question['type']} question takes no choices")

    def _declared_choices(self, question: dict) -> dict[str, str]:
        if "list" in question:
            return dict(self._list_labels(question["list"]))
        return {c["id"]: c["label"] for c in question.get("choices", [])}

    def _labels(self, question: dict) -> dict[str, str]:
        labels = self._declared_choices(question)
        if question.get("allow_unsure") or question["type"] == "yes_no_unsure":
            labels["unsure"] = UNSURE_LABEL
        if question["type"] == "yes_no_unsure":
            labels.update({"yes": "yes", "no": "no"})
        return labels

    def _list_labels(self, list_id: str) -> dict[str, str]:
        data = self.lists.get(list_id)
        return {item["id"]: item["label"] for item in data["items"]} if data else {}

    def _questions(self, raw: dict[str, dict], vocabulary: Vocabulary) -> list[Question]:
        questions = []
        positions = {item.get("use", item.get("id")): i for i, item in enumerate(self.data["questions"])}
        # Applicability is settled before any criterion is evaluated, so show_if may not name criteria.
        questions_only = Vocabulary(vocabulary.questions, vocabulary.lists, {})
        for qid, q in raw.items():
            show_if = self._compile(q.get("show_if"), questions_only, ("questions", positions[qid], "show_if"))
            choices = tuple(Choice(k, v) for k, v in self._declared_choices(q).items())
            questions.append(
                Question(
                    id=qid,
                    text=" ".join(q["text"].split()),
                    type=q["type"],
                    help=q.get("help", "").strip(),
                    choices=choices,
                    allow_unsure=bool(q.get("allow_unsure")),
                    required=q.get("required", True),
                    show_if=show_if,
                    shared=qid in self.shared,
                )
            )
        self.positions = positions
        return questions

    def _question_order(self, questions: list[Question]) -> tuple[Question, ...]:
        return tuple(
            self._order(
                questions,
                lambda q: q.show_if.questions() if q.show_if else set(),
                lambda q: ("questions", self.positions[q.id], "show_if"),
                "show_if",
            )
        )

    # -- criteria and outcomes -------------------------------------------------------------------
    def _criteria(self, vocabulary: Vocabulary) -> list[Criterion]:
        criteria = []
        for index, c in enumerate(self.data["criteria"]):
            when = self._compile(c["when"], vocabulary, ("criteria", index, "when"))
            judgment = c.get("human_judgment")
            criteria.append(
                Criterion(
                    id=c["id"],
                    title=c["title"],
                    when=when or _never(),
                    weight=c["weight"],
                    human_judgment=HumanJudgment(" ".join(judgment["question"].split()), tuple(judgment["by"]))
                    if judgment
                    else None,
                    description=c.get("description", "").strip(),
                    question_ids=tuple(sorted(when.questions())) if when else (),
                    indicators=tuple(" ".join(text.split()) for text in c.get("indicators", ())),
                )
            )
        return criteria

    def _evaluation_order(self, criteria: list[Criterion]) -> tuple[Criterion, ...]:
        index = {c.id: i for i, c in enumerate(criteria)}
        return tuple(
            self._order(criteria, lambda c: c.when.criteria(), lambda c: ("criteria", index[c.id], "when"), "criterion")
        )

    def _outcomes(self, vocabulary: Vocabulary) -> tuple[list[Outcome], Outcome]:
        outcomes = []
        for index, o in enumerate(self.data["outcomes"]):
            when = self._compile(o["when"], vocabulary, ("outcomes", index, "when"))
            outcomes.append(
                Outcome(
                    o["id"],
                    o["title"],
                    Severity.parse(o["severity"]),
                    when or _never(),
                    o.get("description", "").strip(),
                )
            )
        d = self.data["default_outcome"]
        default = Outcome(d["id"], d["title"], Severity.parse(d["severity"]), None, d.get("description", "").strip())
        self._duplicates([o.id for o in outcomes] + [default.id], "outcomes", "outcome")
        for index in range(1, len(outcomes)):
            before, after = outcomes[index - 1], outcomes[index]
            if after.severity > before.severity:
                self.fail(
                    ("outcomes", index, "severity"),
                    f"gates run from most to least cautious: '{after.id}' "
                    f"({after.severity.label}) cannot follow '{before.id}' ({before.severity.label})",
                )
        cautious = [o.severity for o in outcomes if o.severity > Severity.NONE]
        if cautious and default.severity > min(cautious):
            self.fail(
                ("default_outcome", "severity"),
                f"the default outcome ({default.severity.label}) must not be "
                f"more cautious than any gate that can fire on an unsure answer ({min(cautious).label})",
            )
        return outcomes, default

    def _check_keys(
        self, outcomes: list[Outcome], default: Outcome, questions: list[Question], criteria: list[Criterion]
    ) -> None:
        outcome_ids = {o.id for o in outcomes} | {default.id}
        for section in ("routing", "clocks"):
            for key in self.data.get(section, {}):
                if key not in outcome_ids:
                    self.fail((section, key), f"unknown outcome '{key}'")
        examples = self.data.get("examples", [])
        for path, message in example_problems(examples, questions, outcome_ids, {c.id for c in criteria}):
            self.fail(path, message)

    # -- helpers ---------------------------------------------------------------------------------
    def _compile(self, data: Any, vocabulary: Vocabulary, path: tuple[Any, ...]) -> Condition | None:
        if data is None:
            return None
        try:
            return compile_condition(data, vocabulary)
        except ConditionError as error:
            self.fail((*path, *error.path), str(error))
            return None

    def _duplicates(self, ids: list[str], section: str, noun: str) -> None:
        seen: set[str] = set()
        for index, ident in enumerate(ids):
            if ident in seen:
                self.fail(
                    (section, index, "id") if index < len(self.data.get(section, [])) else ("default_outcome", "id"),
                    f"duplicate {noun} id '{ident}'",
                )
            seen.add(ident)

    def _order(self, items: list, deps: Callable[[Any], set[str]], where: Callable[[Any], tuple], noun: str) -> list:
        """Dependencies first; a cycle is reported once, with its members."""
        by_id = {item.id: item for item in items}
        ordered, state = [], {}

        def visit(item: Any, trail: list[str]) -> None:
            if state.get(item.id) == "done":
                return
            if state.get(item.id) == "active":
                cycle = " → ".join([*trail[trail.index(item.id) :], item.id])
                self.fail(where(item), f"{noun} cycle: {cycle}")
                return
            state[item.id] = "active"
            for dep in sorted(deps(item)):
                if dep in by_id:
                    visit(by_id[dep], [*trail, item.id])
            state[item.id] = "done"
            ordered.append(item)

        for item in items:
            visit(item, [])
        return ordered

    def _digest(self, questions: dict[str, dict], lists_used: set[str], translations: dict[str, dict]) -> str:
        """Everything but the examples and the criteria's indicators: the file (its translations included), the
        shared questions and lists it uses, and those shared questions' translations. A set without translations
        keeps its digest. Indicators only point reviewers to passages and never change a screening, so adding or
        rewording them keeps the digest (and the version) as it was."""
        content = {k: v for k, v in self.data.items() if k != "examples"}
        content["criteria"] = [
            {key: value for key, value in criterion.items() if key != "indicators"}
            for criterion in self.data["criteria"]
        ]
        content["questions"] = [questions[qid] for qid in sorted(questions)]
        shared_texts = {
            language: {
                qid: entry for qid, entry in self.shared_translations.get(language, {}).items() if qid in questions
            }
            for language in sorted(translations)
        }
        if any(shared_texts.values()):
            content["shared_question_translations"] = {k: v for k, v in shared_texts.items() if v}
        content["lists"] = {list_id: self.lists[list_id] for list_id in sorted(lists_used) if list_id in self.lists}
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- translations (a file's `translations:` block; see CriteriaSet.localized) ---------------------------------
def unknown_ids(
    translations: Mapping[str, Any],
    known: Mapping[str, Iterable[str]],
    choices: Mapping[str, Iterable[str]],
) -> list[tuple[KeyPath, str]]:
    """(key path, message) for every id a translation names that the file does not define.

    `known` maps a section (questions, criteria, outcomes, determinations) to its ids; `choices` maps a
    question id to its choice ids."""
    problems: list[tuple[KeyPath, str]] = []
    for language, block in translations.items():
        for section, entries in block.items():
            if section not in known:
                continue
            ids = set(known[section])
            noun = section.removesuffix("s").replace("criteria", "criterion")
            for ident, entry in entries.items():
                path: KeyPath = ("translations", language, section, ident)
                if ident not in ids:
                    problems.append((path, f"unknown {noun} '{ident}' (not among this file's {section})"))
                    continue
                if section == "questions" and "choices" in entry:
                    own = set(choices.get(ident, ()))
                    for choice_id in entry["choices"]:
                        if choice_id not in own:
                            problems.append(
                                ((*path, "choices", choice_id), f"unknown choice '{choice_id}' of question '{ident}'")
                            )
    return problems


def normalise(
    translations: Mapping[str, Any], shared: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """One block per language; the shared questions' translations first, the set's own override them."""
    result: dict[str, dict[str, Any]] = {}
    for language in sorted({*translations, *(shared or {})}):
        block = dict(translations.get(language, {}))
        questions = {**(shared or {}).get(language, {}), **block.get("questions", {})}
        if questions:
            block["questions"] = questions
        result[language] = block
    return result


def _never() -> Condition:
    return Condition(lambda _context: False, "never", "question")
