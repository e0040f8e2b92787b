"""The worked example in review_criteria/README.md is a valid set whose examples pass."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from portal.criteria.engine import screen
from portal.criteria.loader import check_criteria

ROOT = Path(__file__).resolve().parents[2] / "review_criteria"


def test_the_worked_example_loads_and_its_examples_pass(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text()
    example = re.search(r"```yaml\n(id: mirror-life.*?)```", text, re.S).group(1)
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
