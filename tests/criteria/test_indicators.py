"""Criterion indicators: public-policy phrases that point reviewers to passages of a proposal. They never change a
screening, so they stay outside the digest: adding or rewording them changes no set's digest or version. A
malformed indicator is refused like any other schema problem, with file, line and key path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from portal.criteria.loader import check_criteria
from tests.criteria.shipped import CRITERIA_DIR, shipped_sets
from tests.criteria.test_bad_input import RED_WEIGHT, SET_NAME, _check, assert_problem
from tests.criteria.tiny_tree import TINY_SET, line_of, replace_once, write_tree

INDICATOR_BLOCK = re.compile(r"^    indicators:\n(?:      - .*\n)+", re.M)


def _without_indicators(tmp_path: Path) -> Path:
    folder = tmp_path / "review_criteria"
    shutil.copytree(CRITERIA_DIR, folder)
    removed = 0
    for path in folder.glob("*.yaml"):
        text, count = INDICATOR_BLOCK.subn("", path.read_text(encoding="utf-8"))
        assert "indicators:" not in text, f"{path.name}: write indicators as a block list under the criterion"
        path.write_text(text, encoding="utf-8")
        removed += count
    assert removed > 0
    return folder


def test_indicators_leave_every_shipped_digest_and_version_unchanged(tmp_path: Path) -> None:
    stripped, problems = check_criteria(_without_indicators(tmp_path))
    assert problems == []
    shipped = shipped_sets()
    assert set(stripped) == set(shipped)
    for set_id, criteria_set in shipped.items():
        bare = stripped[set_id]
        assert all(not c.indicators for c in bare.criteria)
        assert (bare.version, bare.digest) == (criteria_set.version, criteria_set.digest), set_id


def test_rewording_an_indicator_keeps_the_digest(tmp_path: Path) -> None:
    plain = write_tree(tmp_path / "a" / "review_criteria")
    text = replace_once(TINY_SET, RED_WEIGHT, RED_WEIGHT + '    indicators: ["red work", "crimson work"]\n')
    marked = write_tree(tmp_path / "b" / "review_criteria", set_text=text)
    (before, _), (after, problems) = check_criteria(plain), check_criteria(marked)
    assert problems == []
    assert before["tiny"].digest == after["tiny"].digest
    red = next(c for c in after["tiny"].criteria if c.id == "red")
    assert red.indicators == ("red work", "crimson work")
    assert all(not c.indicators for c in after["tiny"].criteria if c.id != "red")


def test_shipped_indicators_sit_on_criteria_that_ask_questions_directly() -> None:
    found = 0
    for set_id, criteria_set in shipped_sets().items():
        for criterion in criteria_set.criteria:
            if criterion.indicators:
                found += 1
                assert criterion.question_ids, f"{set_id}/{criterion.id}: composed only of other criteria"
                assert 3 <= len(criterion.indicators) <= 8, f"{set_id}/{criterion.id}"
    assert found >= 20


@pytest.mark.parametrize(
    ("indicators", "path", "words"),
    [
        ('["red work", ""]', "criteria[0].indicators[1]", ("too short",)),
        ('["red work", "   "]', "criteria[0].indicators[1]", ("does not match",)),
        ('["' + "x" * 161 + '"]', "criteria[0].indicators[0]", ("too long",)),
        ("red work", "criteria[0].indicators", ("not of type 'array'",)),
        ('["red work", "red work"]', "criteria[0].indicators", ("non-unique",)),
        ("[]", "criteria[0].indicators", ("non-empty",)),
        ("[" + ", ".join(f'"red work {i}"' for i in range(13)) + "]", "criteria[0].indicators", ("too long",)),
        ('["red work", 3]', "criteria[0].indicators[1]", ("not of type 'string'",)),
    ],
)
def test_a_malformed_indicator_is_refused_with_file_line_and_key_path(
    tmp_path: Path, indicators: str, path: str, words: tuple[str, ...]
) -> None:
    text = replace_once(TINY_SET, RED_WEIGHT, RED_WEIGHT + f"    indicators: {indicators}\n")
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, path, line_of(text, "indicators:"), *words)


def test_indicators_are_not_translated(tmp_path: Path) -> None:
    text = TINY_SET + 'translations:\n  zh_CN:\n    criteria:\n      red: {indicators: ["红色"]}\n'
    problems = _check(tmp_path, text)
    assert any("translations.zh_CN.criteria.red.indicators" in p and "unknown key" in p for p in problems), problems
