"""Conditions: declarative YAML compiled once into closures, evaluated in three-valued logic.

A condition is a mapping with one of these shapes (see review_criteria/README.md):

    {all: [c, ...]}   {any: [c, ...]}   {not: c}   {criterion: ID}
    {question: ID, is: VALUE | [VALUES]}          {question: ID, includes: [CHOICE, ...]}
    {question: ID, in_list: LIST}                 {question: ID, answered: true | false}
    {question: ID, at_least: N} / {at_most: N}    {question: ID, on_or_after: DATE} / {before: DATE}

Values are True, False or None. None means "it depends on an answer that is 'unsure' or missing"; it
combines by Kleene's rules (False wins an `all`, True wins an `any`, `not None` is None). A question
hidden by its `show_if` makes its clauses False: it does not apply. The engine treats None as a
reason for caution, so an "unsure" answer can only make an outcome more cautious, never less.
No text from a file is ever evaluated as code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

UNSURE = "unsure"
Value = bool | None


class Context:
    """The answers being screened, the questions found not to apply, criterion results so far."""

    __slots__ = ("answers", "hidden", "criteria")

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = answers
        self.hidden: set[str] = set()
        self.criteria: dict[str, Value] = {}


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition: `fn` evaluates it; the rest explains it."""

    fn: Callable[[Context], Value]
    text: str  # for a leaf: what it says; for a group: "all of", "any of", "not"
    kind: str  # "all", "any", "not", "question", "criterion"
    children: tuple[Condition, ...] = ()
    question: str | None = None
    criterion: str | None = None
    list_id: str | None = None

    def __call__(self, context: Context) -> Value:
        return self.fn(context)

    def leaves(self) -> Iterator[Condition]:
        if self.children:
            for child in self.children:
                yield from child.leaves()
        else:
            yield self

    def questions(self) -> set[str]:
        return {leaf.question for leaf in self.leaves() if leaf.question}

    def criteria(self) -> set[str]:
        return {leaf.criterion for leaf in self.leaves() if leaf.criterion}


class ConditionError(ValueError):
    """A condition that cannot be compiled; `path` is the key path inside the condition."""

    def __init__(self, path: tuple[Any, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Vocabulary:
    """What conditions may name: questions (id → (type, text, choice labels)), lists, criteria (id → title)."""

    questions: Mapping[str, tuple[str, str, Mapping[str, str]]]
    lists: Mapping[str, Mapping[str, str]]
    criteria: Mapping[str, str]


def compile_condition(data: Any, vocabulary: Vocabulary, path: tuple[Any, ...] = ()) -> Condition:
    if not isinstance(data, dict) or not data:
        raise ConditionError(path, "a condition must be a mapping such as {question: ID, is: yes}")
    if "all" in data or "any" in data:
        key = "all" if "all" in data else "any"
        items = data[key]
        if len(data) != 1 or not isinstance(items, list) or not items:
            raise ConditionError(path, f"'{key}' takes a non-empty list of conditions and nothing else")
        children = tuple(compile_condition(c, vocabulary, (*path, key, i)) for i, c in enumerate(items))
        return _group(key, children)
    if "not" in data:
        if len(data) != 1:
            raise ConditionError(path, "'not' takes one condition and nothing else")
        child = compile_condition(data["not"], vocabulary, (*path, "not"))
        return Condition(_not(child.fn), "not", "not", (child,))
    if "criterion" in data:
        return _criterion_leaf(data, vocabulary, path)
    if "question" in data:
        return _question_leaf(data, vocabulary, path)
    raise ConditionError(path, f"unknown condition keys {sorted(data)}; use all, any, not, criterion or question")


def _group(key: str, children: tuple[Condition, ...]) -> Condition:
    fns = tuple(child.fn for child in children)
    if key == "all":

        def all_of(context: Context) -> Value:
            result: Value = True
            for fn in fns:
                value = fn(context)
                if value is False:
                    return False
                if value is None:
                    result = None
            return result

        return Condition(all_of, "all of", "all", children)

    def any_of(context: Context) -> Value:
        result: Value = False
        for fn in fns:
            value = fn(context)
            if value is True:
                return True
            if value is None:
                result = None
        return result

    return Condition(any_of, "any of", "any", children)


def _not(fn: Callable[[Context], Value]) -> Callable[[Context], Value]:
    def negated(context: Context) -> Value:
        value = fn(context)
        return None if value is None else not value

    return negated


def _criterion_leaf(data: dict, vocabulary: Vocabulary, path: tuple[Any, ...]) -> Condition:
    criterion_id = data["criterion"]
    if len(data) != 1:
        raise ConditionError(path, "'criterion' takes a criterion id and nothing else")
    if criterion_id not in vocabulary.criteria:
        raise ConditionError((*path, "criterion"), f"unknown criterion '{criterion_id}'")

    def met(context: Context) -> Value:
        return context.criteria.get(criterion_id)

    title = vocabulary.criteria[criterion_id]
    return Condition(met, f"{title} ({criterion_id})", "criterion", criterion=criterion_id)


TESTS = ("is", "includes", "in_list", "answered", "at_least", "at_most", "on_or_after", "before")
TESTS_FOR_TYPE = {
    "yes_no_unsure": {"is", "answered"},
    "single_choice": {"is", "in_list", "answered"},
    "multiple_choice": {"includes", "in_list", "answered"},
    "text": {"answered"},
    "attestation": {"is", "answered"},
    "number": {"at_least", "at_most", "answered"},
    "date": {"on_or_after", "before", "answered"},
}


def _question_leaf(data: dict, vocabulary: Vocabulary, path: tuple[Any, ...]) -> Condition:
    question_id = data["question"]
    if question_id not in vocabulary.questions:
        raise ConditionError((*path, "question"), f"unknown question '{question_id}' (not among this set's questions)")
    tests = [key for key in data if key != "question"]
    if len(tests) != 1 or tests[0] not in TESTS:
        raise ConditionError(path, f"a question condition needs exactly one test: {', '.join(TESTS)}")
    test = tests[0]
    qtype, qtext, labels = vocabulary.questions[question_id]
    if test not in TESTS_FOR_TYPE[qtype]:
        allowed = ", ".join(sorted(TESTS_FOR_TYPE[qtype]))
        raise ConditionError((*path, test), f"'{test}' does not apply to a {qtype} question; use {allowed}")
    operand = data[test]
    subject = f'"{_shorten(qtext)}"'
    if test == "answered":
        return _answered_leaf(question_id, bool(operand), subject)
    if test in ("at_least", "at_most", "on_or_after", "before"):
        return _compare_leaf(question_id, test, operand, subject, path)
    list_id = None
    if test == "in_list":
        list_id = operand
        if list_id not in vocabulary.lists:
            raise ConditionError((*path, "in_list"), f"unknown list '{list_id}'")
        wanted = frozenset(vocabulary.lists[list_id])
        described = f"is on the list {list_id}"
    else:
        values = operand if isinstance(operand, list) else [operand]
        allowed_values = _allowed_values(qtype, labels)
        unknown = [v for v in values if str(v) not in allowed_values]
        if unknown:
            raise ConditionError((*path, test), f"unknown value(s) {unknown} for question '{question_id}'")
        wanted = frozenset(str(v) for v in values)
        names = ", ".join(labels.get(v, v) for v in sorted(wanted))
        described = f"is {names}" if test == "is" else f"includes any of: {names}"
    fn = _membership(question_id, wanted, multiple=qtype == "multiple_choice")
    return Condition(fn, f"{subject} {described}", "question", question=question_id, list_id=list_id)


def _allowed_values(qtype: str, labels: Mapping[str, str]) -> set[str]:
    if qtype == "yes_no_unsure":
        return {"yes", "no", UNSURE}
    if qtype == "attestation":
        return {"yes"}
    return set(labels) | {UNSURE}


def _membership(question_id: str, wanted: frozenset[str], *, multiple: bool) -> Callable[[Context], Value]:
    unsure_counts = UNSURE in wanted
    if multiple:

        def includes(context: Context) -> Value:
            if question_id in context.hidden:
                return False
            answer = context.answers.get(question_id)
            if not answer:
                return None
            if isinstance(answer, str):
                answer = (answer,)  # one choice sent as text
            elif not isinstance(answer, list | tuple):
                return None
            if not wanted.isdisjoint(answer):
                return True
            return None if UNSURE in answer else False

        return includes

    def equals(context: Context) -> Value:
        if question_id in context.hidden:
            return False
        answer = context.answers.get(question_id)
        if not isinstance(answer, str) or answer == "":
            return None  # missing, or not a single value: nothing definite can be said
        if answer == UNSURE and not unsure_counts:
            return None
        return answer in wanted

    return equals


def _answered_leaf(question_id: str, expected: bool, subject: str) -> Condition:
    """Always definite. A question that does not apply, or an optional one left blank, is not answered."""

    def answered(context: Context) -> Value:
        answer = context.answers.get(question_id)
        is_answered = question_id not in context.hidden and answer is not None and answer != "" and answer != []
        return is_answered == expected

    return Condition(
        answered, f"{subject} is {'answered' if expected else 'not answered'}", "question", question=question_id
    )


def _compare_leaf(question_id: str, test: str, operand: Any, subject: str, path: tuple[Any, ...]) -> Condition:
    if test in ("at_least", "at_most") and (isinstance(operand, bool) or not isinstance(operand, int | float)):
        raise ConditionError((*path, test), f"'{test}' needs a number")
    bound = operand if test in ("at_least", "at_most") else str(operand)

    def compare(context: Context) -> Value:
        if question_id in context.hidden:
            return False
        answer = context.answers.get(question_id)
        if answer is None or answer == "" or answer == UNSURE:
            return None
        try:
            if test == "at_least":
                return float(answer) >= bound
            if test == "at_most":
                return float(answer) <= bound
        except (TypeError, ValueError):
            return None
        return str(answer) >= bound if test == "on_or_after" else str(answer) < bound

    words = {"at_least": "is at least", "at_most": "is at most", "on_or_after": "is on or after", "before": "is before"}
    return Condition(compare, f"{subject} {words[test]} {operand}", "question", question=question_id)


def explain(condition: Condition, context: Context) -> tuple[tuple[str, Value], ...]:
    """Every leaf with its value in this context: the clauses a reviewer can check."""
    return tuple((leaf.text, leaf.fn(context)) for leaf in condition.leaves())


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
