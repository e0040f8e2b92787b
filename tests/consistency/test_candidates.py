"""Which criteria the answers denied, read from real screenings of the shipped sets."""

from __future__ import annotations

from typing import Any

from portal.consistency.candidates import denied_criteria
from portal.criteria.engine import screen
from tests.criteria.shipped import shipped_sets

DURC24 = "usg-durc-pepp-2024"
WITH_AGENTS = {
    "agents.works_with_agents": "yes",
    "agents.groups": ["rg4"],
    "durc24.cat1_outcomes": ["none_of_these"],
    "durc24.ppp": "no",
    "durc24.unanticipated": "no",
    "funding.us_federal": "no",
}


def _result(set_id: str, answers: dict[str, Any]) -> dict[str, Any]:
    return screen(shipped_sets()[set_id], answers).to_dict()


def _ids(results: list[dict[str, Any]]) -> set[str]:
    return {f"{c.set_id}/{c.criterion_id}" for c in denied_criteria(results, shipped_sets())}


def test_a_no_answer_yields_the_candidate_with_its_indicators() -> None:
    [candidate] = [
        c for c in denied_criteria([_result(DURC24, WITH_AGENTS)], shipped_sets()) if c.criterion_id == "c1_outcome"
    ]
    criterion = next(c for c in shipped_sets()[DURC24].criteria if c.id == "c1_outcome")
    assert candidate.indicators == criterion.indicators and candidate.indicators
    assert candidate.set_version == shipped_sets()[DURC24].version
    assert candidate.title == criterion.title


def test_yes_is_not_a_denial() -> None:
    ids = _ids([_result(DURC24, WITH_AGENTS)])
    assert f"{DURC24}/c1_agent" not in ids  # answered rg4: triggered
    assert {f"{DURC24}/c1_outcome", f"{DURC24}/c2_ppp", f"{DURC24}/x_unanticipated"} <= ids


def test_unsure_is_not_a_denial() -> None:
    ids = _ids([_result(DURC24, {**WITH_AGENTS, "durc24.cat1_outcomes": ["unsure"], "durc24.ppp": "unsure"})])
    assert f"{DURC24}/c1_outcome" not in ids
    assert f"{DURC24}/c2_ppp" not in ids


def test_a_missing_answer_is_not_a_denial() -> None:
    answers = {k: v for k, v in WITH_AGENTS.items() if k != "durc24.ppp"}
    result = _result(DURC24, answers)
    assert "durc24.ppp" in result["missing"]
    assert f"{DURC24}/c2_ppp" not in _ids([result])


def test_a_question_ruled_out_by_an_earlier_no_counts_as_denied() -> None:
    result = _result(DURC24, {"agents.works_with_agents": "no", "funding.us_federal": "no"})
    assert "durc24.cat1_outcomes" in result["hidden"]
    assert {f"{DURC24}/c1_agent", f"{DURC24}/c1_outcome", f"{DURC24}/c2_ppp"} <= _ids([result])


def test_composed_and_administrative_criteria_are_never_candidates() -> None:
    ids = _ids([_result(DURC24, WITH_AGENTS)])
    assert f"{DURC24}/c1_judgment" not in ids and f"{DURC24}/c2_judgment" not in ids
    assert f"{DURC24}/x_federal" not in ids


def test_a_set_no_longer_shipped_is_skipped_and_duplicates_are_merged() -> None:
    result = _result(DURC24, WITH_AGENTS)
    gone = {**result, "set_id": "retired-policy"}
    candidates = denied_criteria([result, gone, result], shipped_sets())
    keys = [(c.set_id, c.criterion_id) for c in candidates]
    assert len(keys) == len(set(keys))
    assert all(set_id == DURC24 for set_id, _ in keys)


def test_several_sets_at_once() -> None:
    mirror = _result("mirror-life", {"mirror.mirror_organisms": "no"})
    ids = _ids([_result(DURC24, WITH_AGENTS), mirror])
    assert "mirror-life/m_mirror" in ids
    assert "mirror-life/m_mirror" not in _ids([_result("mirror-life", {"mirror.mirror_organisms": "yes"})])
