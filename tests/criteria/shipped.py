"""The shipped criteria sets in review_criteria/, loaded once per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from portal.criteria.loader import check_criteria
from portal.criteria.model import CriteriaSet
from portal.criteria.source import Problem

CRITERIA_DIR = Path(__file__).resolve().parents[2] / "review_criteria"


@cache
def _checked() -> tuple[dict[str, CriteriaSet], tuple[Problem, ...]]:
    sets, problems = check_criteria(CRITERIA_DIR)
    return sets, tuple(problems)


def shipped_sets() -> dict[str, CriteriaSet]:
    """The sets that load (a set with problems is left out; test_shipped_sets reports the problems)."""
    return _checked()[0]


def shipped_problems() -> tuple[Problem, ...]:
    return _checked()[1]
