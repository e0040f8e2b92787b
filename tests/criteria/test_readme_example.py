"""The worked examples in review_criteria/README.md: a valid set whose examples pass, and a determinations
snippet that says what the shipped file says."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import yaml

from portal.criteria.determinations import compile_determinations
from portal.criteria.engine import screen
from portal.criteria.loader import check_criteria
from tests.criteria.shipped import shipped_sets

ROOT = Path(__file__).resolve().parents[2] / "review_criteria"
README = (ROOT / "README.md").read_text()


def test_the_worked_example_loads_and_its_examples_pass(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(id: mirror-life.*?)```", README, re.S).group(1)
    folder = tmp_path / "review_criteria"
    shutil.copytree(ROOT / "lists", folder / "lists")
    shutil.copytree(ROOT / "questions", folder / "questions")
    (folder / "mirror-life.yaml").write_text(example)
    sets, problems = check_criteria(folder)
    assert problems == []
    worked = sets["mirror-life"]
    assert worked.examples
    for case in worked.examples:
        assert screen(worked, case.answers).outcome_id == case.expect, case.name
    prohibited = worked.determination("prohibited")
    assert prohibited is not None and prohibited.dual_use
    assert {"approved", "approved_with_conditions"} <= set(prohibited.forbids)


def test_the_determinations_snippet_matches_the_shipped_2024_set() -> None:
    snippet = re.search(r"```yaml\n(determinations:.*?)```", README, re.S).group(1)
    shown = compile_determinations(yaml.safe_load(snippet)["determinations"])
    shipped = shipped_sets()["usg-durc-pepp-2024"]
    assert shown
    for determination in shown:
        actual = shipped.determination(determination.id)
        assert actual is not None, determination.id
        # The README leaves the description out for brevity; everything else must match the file.
        assert dataclasses.replace(determination, description=actual.description) == actual
