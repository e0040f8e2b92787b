"""The evaluation set stays valid, and the lexical matcher keeps the figures it reached when its threshold was
chosen (measured at lexical-1, threshold 0.45: precision 0.472, recall 0.515 on 36 cases; floors leave a margin)."""

from __future__ import annotations

from pathlib import Path

from portal.consistency.evaluation import Case, Label, Scores, check_cases, evaluate, load_cases
from portal.consistency.lexical import LexicalMatcher
from tests.criteria.shipped import shipped_sets

CASES = Path(__file__).resolve().parents[2] / "bench" / "consistency_evaluation.yaml"


def test_the_evaluation_file_is_valid() -> None:
    cases = load_cases(CASES)
    assert len(cases) >= 30
    assert check_cases(cases, shipped_sets()) == []
    assert any(not case.contradictions for case in cases)
    assert any(len(case.contradictions) >= 2 for case in cases)
    assert len({key.split("/")[0] for case in cases for key in case.denied}) >= 6


def test_check_cases_names_each_problem() -> None:
    case = Case(
        "bad",
        {"title": "Host range of a virus", "lay_summary": "", "aims": "", "methods_summary": ""},
        ("usg-durc-pepp-2024/nope", "usg-durc-pepp-2024/x_federal", "usg-durc-pepp-2024/c1_outcome"),
        (Label("not in the text", "usg-durc-pepp-2024/c1_outcome"), Label("Host range", "mirror-life/m_mirror")),
    )
    problems = check_cases([case, case], shipped_sets())
    assert any("unknown criterion 'usg-durc-pepp-2024/nope'" in p for p in problems)
    assert any("'usg-durc-pepp-2024/x_federal' has no indicators" in p for p in problems)
    assert any("quote not found" in p and "not in the text" in p for p in problems)
    assert any("'mirror-life/m_mirror' is labelled but not denied" in p for p in problems)
    assert any("duplicate case id" in p for p in problems)


def test_the_lexical_matcher_keeps_its_measured_floor() -> None:
    scores = evaluate(LexicalMatcher(), load_cases(CASES), shipped_sets())
    assert isinstance(scores, Scores)
    assert scores.precision >= 0.40, scores
    assert scores.recall >= 0.45, scores
    assert scores.false_negatives > 0  # paraphrases it cannot see: recall is honestly below 1


def test_scores_count_each_label_once() -> None:
    case = Case(
        "one",
        {"lay_summary": "We will alter the host range of the pathogen."},
        ("usg-durc-pepp-2024/c1_outcome",),
        (Label("alter the host range", "usg-durc-pepp-2024/c1_outcome"),),
    )
    scores = evaluate(LexicalMatcher(threshold=0.0), [case], shipped_sets())
    assert scores.true_positives == 1 and scores.false_negatives == 0
    assert scores.precision == 1.0 and scores.recall == 1.0
    none = evaluate(LexicalMatcher(threshold=1.01), [case], shipped_sets())
    assert none == Scores(1.0, 0.0, 0, 0, 1)
