"""A tiny, valid criteria folder written into tmp_path, for tests that mutate it or screen against it.

The texts are YAML as people write it, so that line numbers in problems can be checked: use
`line_of(text, needle)` to find the line a problem should point at.
"""

from __future__ import annotations

from pathlib import Path

LIST_COLOURS = """\
id: colours
title: Colours
version: 1
source:
  title: The tests
  url: https://example.org/tests
items:
  - {id: red, label: Red}
  - {id: blue, label: Blue}
  - {id: none_of_these, label: None of these}
"""

SHARED_QUESTIONS = """\
title: Shared questions for the tests
questions:
  - id: gate
    text: Does the gate apply?
    type: yes_no_unsure
"""

TINY_SET = """\
id: tiny
title: A tiny set for tests
version: 1
policy_status: in_force
jurisdiction: Nowhere
sources:
  - title: The tests
    url: https://example.org/tests
questions:
  - use: gate
  - id: tiny.colour
    text: Which colours are involved?
    type: multiple_choice
    list: colours
    allow_unsure: true
    show_if: {question: gate, is: "yes"}
  - id: tiny.size
    text: Which size is it?
    type: single_choice
    choices:
      - {id: small, label: Small}
      - {id: large, label: Large}
    allow_unsure: true
  - id: tiny.exempt
    text: Is the work exempt?
    type: yes_no_unsure
  - id: tiny.extra
    text: Is there an extra concern?
    type: yes_no_unsure
    required: false
  - id: tiny.count
    text: How many samples?
    type: number
    required: false
  - id: tiny.start
    text: When does the work start?
    type: date
    required: false
  - id: tiny.note
    text: Anything else to add?
    type: text
    required: false
  - id: tiny.attest
    text: I attest that the answers are true.
    type: attestation
criteria:
  - id: red
    title: Red is involved
    when: {question: tiny.colour, includes: [red]}
    weight: 30
  - id: big_red
    title: Red and large
    when: {all: [{criterion: red}, {question: tiny.size, is: large}]}
    weight: 20
    human_judgment:
      question: Is the large red work of concern?
      by: [ire]
  - id: red_or_large
    title: Red or large
    when: {any: [{criterion: red}, {question: tiny.size, is: large}]}
    weight: 10
  - id: not_exempt
    title: Not exempt
    when: {not: {question: tiny.exempt, is: "yes"}}
    weight: 10
  - id: extra
    title: An extra concern
    when: {question: tiny.extra, is: "yes"}
    weight: 30
    human_judgment:
      question: Does the extra concern matter?
      by: [ibc]
  - id: many
    title: Many samples
    when: {question: tiny.count, at_least: 100}
    weight: 0
  - id: late
    title: Starts in 2030 or later
    when: {question: tiny.start, on_or_after: "2030-01-01"}
    weight: 0
outcomes:
  - id: stop
    title: Stop
    severity: prohibited
    when: {all: [{criterion: big_red}, {criterion: not_exempt}]}
  - id: refer
    title: Refer
    severity: high
    when: {any: [{criterion: red_or_large}, {criterion: extra}]}
  - id: clear
    title: Clear
    severity: none
    when: {question: tiny.exempt, is: "yes"}
default_outcome:
  id: check
  title: The coordinator checks
  severity: low
routing:
  stop: [ire]
  refer: [ire]
determinations:
  - id: not_in_scope
    title: Not in scope
    dual_use: false
  - id: of_concern
    title: Of concern
    dual_use: true
    description: The committee finds the work of concern.
    clocks:
      - {kind: notify, title: Notify the funder, due_days: 30, owner: coordinator}
      - {kind: report, title: Progress report, due_days: 182, owner: investigator, repeat_days: 182}
    forbids: [approved]
examples:
  - name: nothing applies
    answers: {gate: "no", tiny.size: small, tiny.exempt: "yes", tiny.attest: "yes"}
    expect: clear
    expect_criteria: []
"""

SET_FILE = "tiny.yaml"


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line number of the `occurrence`-th line containing `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s)")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def write_tree(
    root: Path,
    *,
    set_text: str | None = TINY_SET,
    extra_sets: dict[str, str] | None = None,
    lists: dict[str, str] | None = None,
    questions: dict[str, str] | None = None,
) -> Path:
    """Write a criteria folder: lists/, questions/ and set files. Returns the folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "lists").mkdir(exist_ok=True)
    (root / "questions").mkdir(exist_ok=True)
    for name, text in (lists if lists is not None else {"colours.yaml": LIST_COLOURS}).items():
        (root / "lists" / name).write_text(text)
    for name, text in (questions if questions is not None else {"shared.yaml": SHARED_QUESTIONS}).items():
        (root / "questions" / name).write_text(text)
    if set_text is not None:
        (root / SET_FILE).write_text(set_text)
    for name, text in (extra_sets or {}).items():
        (root / name).write_text(text)
    return root
