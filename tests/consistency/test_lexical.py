"""The lexical matcher as a reviewer meets it: inflected paraphrases of an indicator are listed, unrelated text is
not, Chinese text is harmless, and find_inconsistencies lists the closest passages first, a few per criterion."""

from __future__ import annotations

import time

from portal.consistency.lexical import LexicalMatcher, stem
from portal.consistency.matching import Candidate, Matcher, Passage, find_inconsistencies

OUTCOMES = Candidate(
    "usg-durc-pepp-2024",
    3,
    "c1_outcome",
    "A Category 1 experimental outcome is reasonably anticipated",
    (
        "increase the transmissibility of a pathogen within or between host species",
        "alter the host range or tropism of a pathogen",
        "increase resistance to prophylactic or therapeutic interventions",
    ),
)
ANIMALS = Candidate("prc-st-ethics-2023", 2, "e_scope", "Within scope", ("laboratory animals", "human participants"))


def test_it_implements_the_matcher_protocol() -> None:
    matcher: Matcher = LexicalMatcher()
    assert matcher.name == "lexical"
    assert matcher.version.startswith("lexical-")
    assert 0 < matcher.threshold < 1


def test_derived_forms_meet() -> None:
    assert stem("transmissible") == stem("transmissibility") == stem("transmission") == stem("transmitted")
    assert stem("resistance") == stem("resistant")
    assert stem("altered") == stem("alter") == stem("alters")


def test_an_inflected_paraphrase_is_listed_above_the_threshold() -> None:
    matcher = LexicalMatcher()
    [[similarity]] = matcher.similarities(
        ["The project alters the host ranges of pathogens."], ["alter the host range or tropism of a pathogen"]
    )
    assert similarity >= matcher.threshold


def test_unrelated_text_is_not_listed() -> None:
    matcher = LexicalMatcher()
    rows = matcher.similarities(
        ["We survey nurses about the quality of their sleep after night shifts."], list(OUTCOMES.indicators)
    )
    assert max(rows[0]) < matcher.threshold


def test_similarities_are_a_table_in_zero_to_one() -> None:
    passages = ["increase the transmissibility of a pathogen within or between host species", "", "无关的文本"]
    table = LexicalMatcher().similarities(passages, list(OUTCOMES.indicators))
    assert len(table) == 3 and all(len(row) == 3 for row in table)
    assert all(0.0 <= value <= 1.0 for row in table for value in row)
    assert table[0][0] == 1.0
    assert table[1] == [0.0, 0.0, 0.0]


def test_chinese_text_gives_no_error() -> None:
    passages = ["本项目研究病毒的传播。", "Mixed 文本 with host range"]
    table = LexicalMatcher().similarities(passages, ["病毒传播", "host range"])
    assert table[0][0] > 0 and table[1][1] > 0


def test_a_negated_indicator_differs_from_its_affirmation() -> None:
    matcher = LexicalMatcher()
    [[similarity]] = matcher.similarities(
        ["Primers come from a provider that has attested to the framework."],
        ["a provider that has not attested to the framework"],
    )
    assert similarity < 1.0


def test_find_inconsistencies_closest_first_at_most_per_criterion() -> None:
    passages = [
        Passage("title", 0, "Host range of a respiratory virus"),
        Passage("aims", 0, "We will alter the host range of the pathogen."),
        Passage("aims", 1, "The pathogen may become more transmissible between host species."),
        Passage("aims", 2, "Some strains gain resistance to therapeutic interventions."),
        Passage("methods_summary", 0, "We keep laboratory animals in enriched cages."),
        Passage("methods_summary", 1, "Records are analysed with standard statistical models."),
    ]
    findings = find_inconsistencies(passages, [OUTCOMES, ANIMALS], LexicalMatcher(), per_criterion=2)
    outcome_findings = [f for f in findings if f.candidate.criterion_id == "c1_outcome"]
    assert len(outcome_findings) == 2
    assert findings == sorted(findings, key=lambda f: -f.similarity)
    assert {f.passage for f in outcome_findings} <= {passages[1], passages[2], passages[3]}
    assert outcome_findings[0].similarity >= outcome_findings[1].similarity >= LexicalMatcher().threshold
    hosts = [f for f in outcome_findings if f.passage == passages[1]]
    assert all(f.indicator == "alter the host range or tropism of a pathogen" for f in hosts)
    animals = [f for f in findings if f.candidate.criterion_id == "e_scope"]
    assert [f.passage for f in animals] == [passages[4]]
    assert all(f.passage != passages[5] for f in findings)


def test_fast_enough_for_a_request() -> None:
    passages = [f"Passage {i} describes seasonal surveillance of transmission in care homes." for i in range(100)]
    indicators = [f"indicator {i} about the host range of pathogen group {i % 17} and resistance" for i in range(300)]
    matcher = LexicalMatcher()
    matcher.similarities(passages[:1], indicators[:1])
    start = time.perf_counter()
    matcher.similarities(passages, indicators)
    assert time.perf_counter() - start < 0.05
