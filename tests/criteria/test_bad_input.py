"""Bad criteria files are refused with every problem named by file, key path and line.

Each test writes the tiny valid folder of tiny_tree.py into tmp_path, breaks one thing, and checks what
check_criteria() says about it: `review_criteria/<file>:<line>: <key path>: <message>`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.criteria.loader import CriteriaError, check_criteria, load_criteria
from tests.criteria.tiny_tree import (
    LIST_COLOURS,
    SET_FILE,
    SHARED_QUESTIONS,
    TINY_SET,
    line_of,
    replace_once,
    write_tree,
)

SET_NAME = f"review_criteria/{SET_FILE}"
RED_WEIGHT = "includes: [red]}\n    weight: 30\n"


def _problems(root: Path) -> list[str]:
    sets, problems = check_criteria(root)
    return [str(problem) for problem in problems]


def _check(tmp_path: Path, set_text: str, **tree: dict[str, str]) -> list[str]:
    return _problems(write_tree(tmp_path / "review_criteria", set_text=set_text, **tree))


def assert_problem(problems: list[str], file: str, path: str, line: int | None, *words: str) -> str:
    """Some problem starts with `file:line: path:` and mentions every word; returns it."""
    where = f"{file}:{line}" if line else file
    prefix = f"{where}: {path}: "
    found = [p for p in problems if p.startswith(prefix) and all(w in p for w in words)]
    assert found, f"expected a problem starting {prefix!r} mentioning {words}; got:\n  " + "\n  ".join(problems)
    return found[0]


def test_the_tiny_folder_is_valid(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "review_criteria")
    sets, problems = check_criteria(root)
    assert problems == []
    assert list(sets) == ["tiny"]


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "title: Red is involved", "title: Red: is involved")
    problems = _check(tmp_path, text)
    line = line_of(text, "title: Red: is involved")
    assert_problem(problems, SET_NAME, "(top level)", line, "not valid YAML", f"line {line}")


def test_malformed_yaml_in_a_list_file(tmp_path: Path) -> None:
    broken = LIST_COLOURS.replace("  - {id: blue, label: Blue}", "  - {id: blue, label: Blue")
    problems = _check(tmp_path, TINY_SET, lists={"colours.yaml": broken})
    assert any(p.startswith("review_criteria/lists/colours.yaml:") and "not valid YAML" in p for p in problems), (
        problems
    )


def test_unknown_key(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, RED_WEIGHT, RED_WEIGHT + "    colour: red\n")
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "criteria[0].colour", line_of(text, "colour: red"), "unknown key 'colour'")


def test_unknown_key_in_a_condition(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, '{question: tiny.exempt, is: "yes"}}', '{question: tiny.exempt, iz: "yes"}}')
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "criteria[3].when.not.iz", line_of(text, "iz:"), "unknown key 'iz'")


def test_duplicate_criterion_id(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "  - id: late\n", "  - id: many\n")
    problems = _check(tmp_path, text)
    assert_problem(
        problems, SET_NAME, "criteria[6].id", line_of(text, "- id: many", 2), "duplicate criterion id 'many'"
    )


def test_duplicate_outcome_id(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "  - id: clear\n", "  - id: refer\n")
    problems = _check(tmp_path, text)
    assert_problem(
        problems, SET_NAME, "outcomes[2].id", line_of(text, "- id: refer", 2), "duplicate outcome id 'refer'"
    )


def test_default_outcome_id_duplicating_a_gate(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "  id: check\n", "  id: stop\n")
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "default_outcome.id", line_of(text, "  id: stop"), "duplicate outcome id 'stop'")


def test_duplicate_question_id_in_a_set(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "  - id: tiny.note\n", "  - id: tiny.count\n")
    problems = _check(tmp_path, text)
    line = line_of(text, "- id: tiny.count", 2)
    assert_problem(problems, SET_NAME, "questions[7]", line, "duplicate question id 'tiny.count'")


def test_question_id_duplicating_a_shared_question(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "  - id: tiny.exempt\n", "  - id: gate\n")
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "questions[3].id", line_of(text, "- id: gate"), "duplicate question id 'gate'")


def test_duplicate_question_id_across_shared_files(tmp_path: Path) -> None:
    problems = _check(tmp_path, TINY_SET, questions={"a.yaml": SHARED_QUESTIONS, "b.yaml": SHARED_QUESTIONS})
    line = line_of(SHARED_QUESTIONS, "- id: gate")
    assert_problem(
        problems, "review_criteria/questions/b.yaml", "questions[0].id", line, "duplicate question id 'gate'"
    )


def test_question_id_defined_by_two_sets(tmp_path: Path) -> None:
    other = replace_once(TINY_SET, "id: tiny\n", "id: other\n")
    problems = _check(tmp_path, TINY_SET, extra_sets={"other.yaml": other})
    # Files are read in name order: the second definition, in tiny.yaml, is the one reported.
    line = line_of(TINY_SET, "- id: tiny.colour")
    assert_problem(
        problems,
        SET_NAME,
        "questions[1].id",
        line,
        "duplicate question id 'tiny.colour'",
        "also defined in review_criteria/other.yaml",
    )


def test_duplicate_set_id(tmp_path: Path) -> None:
    problems = _check(tmp_path, TINY_SET, extra_sets={"tiny2.yaml": TINY_SET})
    assert_problem(problems, "review_criteria/tiny2.yaml", "id", 1, "duplicate set id 'tiny'")
    assert_problem(problems, "review_criteria/tiny2.yaml", "id", 1, "must match the file name 'tiny2'")


def test_condition_naming_an_unknown_question(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "{question: tiny.colour, includes: [red]}", "{question: tiny.color, includes: [red]}")
    problems = _check(tmp_path, text)
    line = line_of(text, "tiny.color,")
    assert_problem(problems, SET_NAME, "criteria[0].when.question", line, "unknown question 'tiny.color'")


def test_show_if_naming_an_unknown_question(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, '{question: gate, is: "yes"}', '{question: gates, is: "yes"}')
    problems = _check(tmp_path, text)
    line = line_of(text, "show_if: {question: gates")
    assert_problem(problems, SET_NAME, "questions[1].show_if.question", line, "unknown question 'gates'")


def test_condition_naming_an_unknown_list(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "{question: tiny.colour, includes: [red]}", "{question: tiny.colour, in_list: nope}")
    problems = _check(tmp_path, text)
    line = line_of(text, "in_list: nope")
    assert_problem(problems, SET_NAME, "criteria[0].when.in_list", line, "unknown list 'nope'")


def test_condition_naming_an_unknown_criterion(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "{criterion: big_red}", "{criterion: big_blue}")
    problems = _check(tmp_path, text)
    line = line_of(text, "big_blue")
    assert_problem(problems, SET_NAME, "outcomes[0].when.all[0].criterion", line, "unknown criterion 'big_blue'")


def test_condition_naming_an_unknown_choice(tmp_path: Path) -> None:
    text = replace_once(
        TINY_SET, "{question: tiny.colour, includes: [red]}", "{question: tiny.colour, includes: [pink]}"
    )
    problems = _check(tmp_path, text)
    assert_problem(
        problems, SET_NAME, "criteria[0].when.includes", line_of(text, "[pink]"), "unknown value(s) ['pink']"
    )


def test_show_if_cycle(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, '{question: gate, is: "yes"}', "{question: tiny.size, is: large}")
    text = replace_once(
        text,
        "      - {id: large, label: Large}\n    allow_unsure: true\n",
        "      - {id: large, label: Large}\n    allow_unsure: true\n"
        "    show_if: {question: tiny.colour, includes: [red]}\n",
    )
    problems = _check(tmp_path, text)
    cycles = [p for p in problems if "show_if cycle" in p]
    assert len(cycles) == 1, problems
    colour = f"{SET_NAME}:{line_of(text, 'show_if: {question: tiny.size')}: questions[1].show_if: "
    size = f"{SET_NAME}:{line_of(text, 'show_if: {question: tiny.colour')}: questions[2].show_if: "
    assert cycles[0].startswith((colour, size)), cycles
    assert "tiny.colour" in cycles[0] and "tiny.size" in cycles[0]


def test_show_if_naming_its_own_question(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, '{question: gate, is: "yes"}', "{question: tiny.colour, includes: [red]}")
    problems = _check(tmp_path, text)
    line = line_of(text, "show_if: {question: tiny.colour")
    assert_problem(problems, SET_NAME, "questions[1].show_if", line, "show_if cycle", "tiny.colour → tiny.colour")


def test_criterion_reference_cycle(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "{question: tiny.colour, includes: [red]}", "{criterion: red_or_large}")
    problems = _check(tmp_path, text)
    cycles = [p for p in problems if "criterion cycle" in p]
    assert len(cycles) == 1, problems
    starts = (
        f"{SET_NAME}:{line_of(text, '{criterion: red_or_large}')}: criteria[0].when: ",
        f"{SET_NAME}:{line_of(text, '{any: [{criterion: red}')}: criteria[2].when: ",
    )
    assert cycles[0].startswith(starts), cycles
    assert "red" in cycles[0] and "red_or_large" in cycles[0]


def test_missing_list_file(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "    list: colours\n", "    list: nope\n")
    problems = _check(tmp_path, text)
    line = line_of(text, "list: nope")
    assert_problem(problems, SET_NAME, "questions[1].list", line, "unknown list 'nope'", "lists/nope.yaml")


def test_deleted_list_file(tmp_path: Path) -> None:
    problems = _check(tmp_path, TINY_SET, lists={})
    assert_problem(
        problems, SET_NAME, "questions[1].list", line_of(TINY_SET, "list: colours"), "unknown list 'colours'"
    )


def test_unknown_shared_question(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "  - use: gate\n", "  - use: gait\n")
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "questions[0].use", line_of(text, "use: gait"), "unknown shared question 'gait'")


def test_no_default_outcome(tmp_path: Path) -> None:
    text = replace_once(
        TINY_SET, "default_outcome:\n  id: check\n  title: The coordinator checks\n  severity: low\n", ""
    )
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "(top level)", 1, "'default_outcome' is required")


def test_negative_weight(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, RED_WEIGHT, RED_WEIGHT.replace("30", "-5"))
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "criteria[0].weight", line_of(text, "weight: -5"), "-5", "minimum")


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("title: A tiny set for tests", "title: {tag}", "title"),
        ("    title: Red is involved", "    title: {tag}", "criteria[0].title"),
        ('{question: gate, is: "yes"}', "{{question: gate, is: {tag}}}", "questions[1].show_if.is"),
    ],
    ids=["top-level value", "criterion title", "inside a condition"],
)
def test_python_tag_is_refused_and_never_run(tmp_path: Path, old: str, new: str, path: str) -> None:
    canary = tmp_path / "CANARY"
    tag = f'!!python/object/apply:os.system ["touch {canary}"]'
    text = replace_once(TINY_SET, old, new.format(tag=tag))
    problems = _check(tmp_path, text)
    line = line_of(text, "!!python")
    assert_problem(problems, SET_NAME, path, line, "unsupported YAML tag", "python/object/apply:os.system")
    assert not canary.exists(), "the YAML tag was constructed: os.system ran"
    assert not (Path.cwd() / "CANARY").exists()


def test_python_tag_in_a_list_file_is_refused(tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    broken = LIST_COLOURS.replace("title: Colours", f'title: !!python/object/apply:os.system ["touch {canary}"]')
    problems = _check(tmp_path, TINY_SET, lists={"colours.yaml": broken})
    assert_problem(problems, "review_criteria/lists/colours.yaml", "title", 2, "unsupported YAML tag")
    assert not canary.exists()


def test_python_tag_on_a_mapping_key_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    text = TINY_SET + f'? !!python/object/apply:os.system ["touch {canary}"]\n: 1\n'
    try:
        problems = _check(tmp_path, text)
    finally:
        assert not canary.exists()
    assert any("unsupported YAML tag" in p for p in problems), problems


def test_recursive_alias_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    text = TINY_SET + "loop: &loop [*loop]\n"
    problems = _check(tmp_path, text)
    assert any(p.startswith(f"{SET_NAME}:") for p in problems), problems


def test_duplicate_mapping_key(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, RED_WEIGHT, RED_WEIGHT + "    weight: 0\n")
    problems = _check(tmp_path, text)
    assert any("weight" in p and "criteria[0]" in p for p in problems), problems


def test_gates_out_of_severity_order(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "    severity: prohibited\n", "    severity: low\n")
    problems = _check(tmp_path, text)
    line = line_of(text, "severity: high")
    assert_problem(problems, SET_NAME, "outcomes[1].severity", line, "most to least cautious", "'refer' (high)")


def test_default_outcome_more_cautious_than_a_gate(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "  severity: low\n", "  severity: prohibited\n")
    problems = _check(tmp_path, text)
    line = line_of(text, "  severity: prohibited", 2)
    assert_problem(problems, SET_NAME, "default_outcome.severity", line, "must not be more cautious")


def test_unknown_outcome_in_routing(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "  stop: [ire]\n", "  stopp: [ire]\n")
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "routing.stopp", line_of(text, "stopp:"), "unknown outcome 'stopp'")


def test_unknown_outcome_in_clocks(tmp_path: Path) -> None:
    clocks = "clocks:\n  refers:\n    - {kind: report, title: Report, due_days: 30, owner: investigator}\n"
    text = replace_once(TINY_SET, "examples:\n", clocks + "examples:\n")
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "clocks.refers", line_of(text, "refers:"), "unknown outcome 'refers'")


def test_example_naming_an_unknown_question(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, 'tiny.attest: "yes"}', 'tiny.attest: "yes", tiny.colr: [red]}')
    problems = _check(tmp_path, text)
    line = line_of(text, "tiny.colr")
    assert_problem(problems, SET_NAME, "examples[0].answers.tiny.colr", line, "unknown question 'tiny.colr'")


def test_example_expecting_an_unknown_outcome_or_criterion(tmp_path: Path) -> None:
    text = replace_once(
        TINY_SET, "    expect: clear\n    expect_criteria: []\n", "    expect: clean\n    expect_criteria: [rd]\n"
    )
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "examples[0].expect", line_of(text, "expect: clean"), "unknown outcome 'clean'")
    assert_problem(problems, SET_NAME, "examples[0].expect_criteria", line_of(text, "[rd]"), "unknown criterion 'rd'")


def test_set_id_must_match_file_name(tmp_path: Path) -> None:
    problems = _check(tmp_path, replace_once(TINY_SET, "id: tiny\n", "id: tinier\n"))
    assert_problem(problems, SET_NAME, "id", 1, "must match the file name 'tiny'")


def test_load_criteria_lists_every_problem_of_every_file(tmp_path: Path) -> None:
    root = tmp_path / "review_criteria"
    other = replace_once(TINY_SET, "id: tiny\n", "id: other\n").replace("tiny.", "other.")
    other = replace_once(other, "  stop: [ire]\n", "  stopp: [ire]\n")
    broken_list = "id: shapes\ntitle: [unclosed\n"
    tagged_questions = "title: !!python/object/apply:os.system ['true']\nquestions: []\n"
    write_tree(
        root,
        set_text=replace_once(TINY_SET, RED_WEIGHT, RED_WEIGHT.replace("30", "-1")),
        extra_sets={"other.yaml": other},
        lists={"colours.yaml": LIST_COLOURS, "shapes.yaml": broken_list},
        questions={"shared.yaml": SHARED_QUESTIONS, "tagged.yaml": tagged_questions},
    )
    _, expected = check_criteria(root)
    with pytest.raises(CriteriaError) as caught:
        load_criteria(root)
    message = str(caught.value)
    assert caught.value.problems == expected
    assert f"{len(expected)} problem(s)" in message
    for problem in expected:
        assert f"  - {problem}" in message
    for needle in (
        "review_criteria/tiny.yaml:",  # the negative weight
        "review_criteria/other.yaml:",  # the unknown outcome in routing
        "review_criteria/lists/shapes.yaml:",  # malformed YAML
        "review_criteria/questions/tagged.yaml:",  # the python tag
    ):
        assert needle in message, message
    assert "criteria[0].weight" in message and "routing.stopp" in message


def test_show_if_naming_a_criterion_is_refused(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, '{question: gate, is: "yes"}', "{criterion: not_exempt}")
    problems = _check(tmp_path, text)
    assert any("questions[1].show_if" in p for p in problems), problems


def test_example_answer_naming_an_unknown_choice(tmp_path: Path) -> None:
    text = replace_once(TINY_SET, "tiny.size: small,", "tiny.size: smal,")
    problems = _check(tmp_path, text)
    assert any("examples[0].answers.tiny.size" in p for p in problems), problems
