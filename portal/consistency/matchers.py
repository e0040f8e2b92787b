"""Which matcher a check uses: the one the configuration asks for, the lexical one when the semantic extra is
not installed (the check records which ran, so a reader knows what the figures mean)."""

from __future__ import annotations

from portal.consistency.lexical import LexicalMatcher
from portal.consistency.matching import Matcher
from portal.consistency.semantic import SemanticMatcher, semantic_available

CHOICES = ("auto", "lexical", "semantic")


def matcher_for(setting: str) -> Matcher:
    """`auto` and `semantic` give the semantic matcher when its extra is installed; everything else the lexical
    one, which needs no model."""
    if setting in ("auto", "semantic") and semantic_available():
        return SemanticMatcher()
    return LexicalMatcher()
