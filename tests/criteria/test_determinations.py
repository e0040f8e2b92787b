"""Determinations: what a committee may determine under a set, with the clocks each starts and the
decision outcomes it rules out. They compile from the tiny folder, and every bad one is refused with the
file, the line and the key path (`review_criteria/<file>:<line>: <key path>: <message>`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portal.criteria.loader import check_criteria
from portal.criteria.model import DECISION_OUTCOMES, Clock, Determination
from tests.criteria.shipped import CRITERIA_DIR
from tests.criteria.test_bad_input import SET_NAME, assert_problem
from tests.criteria.tiny_tree import TINY_SET, line_of, replace_once, write_tree

NOT_IN_SCOPE = "  - id: not_in_scope\n    title: Not in scope\n    dual_use: false\n"
NOTIFY = "{kind: notify, title: Notify the funder, due_days: 30, owner: coordinator}"


def _problems(tmp_path: Path, set_text: str) -> list[str]:
    _sets, problems = check_criteria(write_tree(tmp_path / "review_criteria", set_text=set_text))
    return [str(problem) for problem in problems]


def test_determinations_compile_in_file_order_with_clocks_and_forbidden_outcomes(tmp_path: Path) -> None:
    sets, problems = check_criteria(write_tree(tmp_path / "review_criteria"))
    assert problems == []
    tiny = sets["tiny"]
    assert [d.id for d in tiny.determinations] == ["not_in_scope", "of_concern"]
    assert tiny.determination("not_in_scope") == Determination("not_in_scope", "Not in scope", False)
    assert tiny.determination("of_concern") == Determination(
        id="of_concern",
        title="Of concern",
        dual_use=True,
        clocks=(
            Clock("notify", "Notify the funder", 30, "coordinator"),
            Clock("report", "Progress report", 182, "investigator", repeat_days=182),
        ),
        forbids=("approved",),
        description="The committee finds the work of concern.",
    )
    assert tiny.determination("nope") is None


def test_determinations_change_the_digest(tmp_path: Path) -> None:
    before = check_criteria(write_tree(tmp_path / "a"))[0]["tiny"].digest
    text = replace_once(TINY_SET, "forbids: [approved]", "forbids: [approved, approved_with_conditions]")
    after = check_criteria(write_tree(tmp_path / "b", set_text=text))[0]["tiny"].digest
    assert before != after


def test_an_outcome_clock_may_recur_too(tmp_path: Path) -> None:
    clocks = f"clocks:\n  refer:\n    - {NOTIFY[:-1]}, repeat_days: 365}}\n"
    sets, problems = check_criteria(
        write_tree(
            tmp_path / "review_criteria",
            set_text=replace_once(TINY_SET, "determinations:\n", clocks + "determinations:\n"),
        )
    )
    assert problems == []
    assert sets["tiny"].clocks["refer"] == (Clock("notify", "Notify the funder", 30, "coordinator", 365),)


def test_the_schema_lists_exactly_the_decision_outcomes_of_the_model() -> None:
    schema = json.loads((CRITERIA_DIR / "schema.json").read_text())
    assert tuple(schema["$defs"]["decision_outcome"]["enum"]) == DECISION_OUTCOMES


# -- refusals ------------------------------------------------------------------------------------------
def test_a_set_without_determinations(tmp_path: Path) -> None:
    start, end = TINY_SET.index("determinations:\n"), TINY_SET.index("examples:\n")
    problems = _problems(tmp_path, TINY_SET[:start] + TINY_SET[end:])
    assert_problem(problems, SET_NAME, "(top level)", 1, "'determinations' is required")


def test_an_empty_determinations_list(tmp_path: Path) -> None:
    start, end = TINY_SET.index("determinations:\n"), TINY_SET.index("examples:\n")
    text = TINY_SET[:start] + "determinations: []\n" + TINY_SET[end:]
    problems = _problems(tmp_path, text)
    assert_problem(problems, SET_NAME, "determinations", line_of(text, "determinations: []"), "non-empty")


# (replace this, with this, key path of the problem, line that holds it, words the message holds)
REFUSALS = {
    "duplicate id": (
        "  - id: of_concern\n",
        "  - id: not_in_scope  # again\n",
        "determinations[1].id",
        "# again",
        ("duplicate determination id 'not_in_scope'",),
    ),
    "unknown key": (
        NOT_IN_SCOPE,
        NOT_IN_SCOPE + "    category: 1\n",
        "determinations[0].category",
        "category: 1",
        ("unknown key 'category'",),
    ),
    "unknown clock key": (
        NOTIFY,
        NOTIFY[:-1] + ", every: year}",
        "determinations[1].clocks[0].every",
        "every: year",
        ("unknown key 'every'",),
    ),
    "no dual_use": (
        NOT_IN_SCOPE,
        NOT_IN_SCOPE.replace("    dual_use: false\n", ""),
        "determinations[0]",
        "- id: not_in_scope",
        ("'dual_use' is required",),
    ),
    # `yes` stays a word in criteria files, so it is not a boolean.
    "dual_use yes": ("dual_use: false", "dual_use: yes", "determinations[0].dual_use", "dual_use: yes", ("boolean",)),
    "unknown outcome in forbids": (
        "forbids: [approved]",
        "forbids: [approved, aproved]",
        "determinations[1].forbids[1]",
        "aproved]",
        ("'aproved'", "approved_with_conditions"),
    ),
    "outcome forbidden twice": (
        "forbids: [approved]",
        "forbids: [approved, approved]",
        "determinations[1].forbids",
        "forbids:",
        ("non-unique",),
    ),
    "zero due days": (
        "due_days: 30",
        "due_days: 0",
        "determinations[1].clocks[0].due_days",
        "due_days: 0",
        ("minimum of 1",),
    ),
    "negative due days": (
        "due_days: 30",
        "due_days: -5",
        "determinations[1].clocks[0].due_days",
        "due_days: -5",
        ("-5", "minimum of 1"),
    ),
    "zero repeat days": (
        "repeat_days: 182",
        "repeat_days: 0",
        "determinations[1].clocks[1].repeat_days",
        "repeat_days: 0",
        ("minimum of 1",),
    ),
    "negative repeat days": (
        "repeat_days: 182",
        "repeat_days: -1",
        "determinations[1].clocks[1].repeat_days",
        "repeat_days: -1",
        ("-1", "minimum of 1"),
    ),
    "unknown owner": (
        NOTIFY,
        NOTIFY.replace("coordinator", "dean"),
        "determinations[1].clocks[0].owner",
        "owner: dean",
        ("'dean'", "investigator"),
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_bad_determination_is_refused_with_file_line_and_key_path(tmp_path: Path, case: str) -> None:
    old, new, path, needle, words = REFUSALS[case]
    text = replace_once(TINY_SET, old, new)
    assert_problem(_problems(tmp_path, text), SET_NAME, path, line_of(text, needle), *words)


def test_an_outcome_clock_repeating_every_zero_days(tmp_path: Path) -> None:
    clocks = f"clocks:\n  refer:\n    - {NOTIFY[:-1]}, repeat_days: 0}}\n"
    text = replace_once(TINY_SET, "determinations:\n", clocks + "determinations:\n")
    problems = _problems(tmp_path, text)
    line = line_of(text, "repeat_days: 0")
    assert_problem(problems, SET_NAME, "clocks.refer[0].repeat_days", line, "minimum of 1")
