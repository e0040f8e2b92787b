"""Suggestions: fewest active assignments first, then matching expertise, then by name."""

from __future__ import annotations

from portal.reviews.rules import Candidate, matching_tags, suggest, words


def _c(user_id: int, name: str, *tags: str, excluded: tuple[str, ...] = ()) -> Candidate:
    return Candidate(user_id, name, frozenset(tags), excluded)


def test_load_comes_first_then_expertise_then_name():
    candidates = [
        _c(1, "Zoe", "immunology"),
        _c(2, "Adam"),
        _c(3, "Bea", "immunology", "biosafety"),
        _c(4, "Carl", "virology"),
    ]
    ranked = suggest(candidates, {1: 0, 2: 0, 3: 1, 4: 0}, words("Immunology of a fictional virus"), wanted=2)
    assert [s.name for s in ranked] == ["Zoe", "Adam", "Carl", "Bea"]
    assert [s.suggested for s in ranked] == [True, True, False, False]
    assert ranked[0].matches == ("immunology",) and ranked[3].load == 1


def test_ties_are_broken_by_name_whatever_the_input_order():
    one = suggest([_c(2, "bruno"), _c(1, "Anna"), _c(3, "Celia")], {}, set(), wanted=1)
    other = suggest([_c(3, "Celia"), _c(1, "Anna"), _c(2, "bruno")], {}, set(), wanted=1)
    assert [s.name for s in one] == [s.name for s in other] == ["Anna", "bruno", "Celia"]


def test_excluded_candidates_are_not_suggested_and_wanted_may_be_zero():
    ranked = suggest([_c(1, "Anna", excluded=("is the principal investigator",)), _c(2, "Ben")], {}, set(), wanted=0)
    assert [(s.name, s.suggested) for s in ranked] == [("Ben", False)]


def test_a_tag_of_several_words_needs_every_word():
    assert matching_tags({"public health", "ethics"}, words("Public policy and ethics")) == ("ethics",)
    assert matching_tags({"public health"}, words("A public-health study")) == ("public health",)
