"""The lexical matcher: how much of an indicator's wording a passage shares. Always available (pure Python, no
model), explainable to a reviewer (the shared words), and blind to paraphrase and negation; the semantic matcher
covers what it misses. Its figures are its own scale, tuned on bench/consistency_evaluation.yaml."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

_STOPWORD_TEXT = """
    a about above after again against all also an and any are as at be been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers him his
    how i if in into is it its itself just may me might more most must my now of off on once only or
    other our ours out over own per same shall she should so some such than that the their theirs them then there
    these they this those through to too under until up upon very via was we were what when where whether which
    while who whom why will with within would you your yours
    aim aims also project projects study studies work works research researches proposal propose proposed
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Longest first; a suffix is removed only if at least MIN_STEM characters remain.
SUFFIXES = (
    "issibilities",
    "issibility",
    "ibilities",
    "abilities",
    "izations",
    "isations",
    "issible",
    "ibility",
    "ability",
    "ization",
    "isation",
    "issions",
    "ission",
    "ations",
    "itions",
    "ments",
    "ation",
    "ition",
    "ities",
    "ively",
    "ingly",
    "ness",
    "ment",
    "ings",
    "ible",
    "able",
    "ence",
    "ance",
    "ency",
    "ancy",
    "ated",
    "ates",
    "ity",
    "ive",
    "ing",
    "ies",
    "ied",
    "ent",
    "ant",
    "ate",
    "ise",
    "ize",
    "ous",
    "ion",
    "ed",
    "es",
    "ly",
    "al",
    "ic",
    "er",
    "y",
    "s",
    "e",
)
MIN_STEM = 3
STEM_LENGTH = 6  # stems are cut to this many characters, so that derived forms meet
NEGATIONS = frozenset({"no", "not", "nor", "without", "never", "none"})  # one term: "has not attested" differs
IRREGULAR = {"evasion": "evad", "evasive": "evad", "spread": "spread", "disease": "diseas", "species": "species"}

_WORD = re.compile(r"[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stemmer: 'transmissible', 'transmissibility' and 'transmission' share one stem."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    for _ in range(2):
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word[:STEM_LENGTH]


@lru_cache(maxsize=16384)
def terms(text: str) -> tuple[str, ...]:
    """Content stems in reading order: English words without stopwords, stemmed; CJK runs as character bigrams."""
    out: list[str] = []
    for token in _WORD.findall(text.lower().replace("-", " ")):
        if _CJK.match(token):
            out.extend(token[i : i + 2] for i in range(max(1, len(token) - 1)))
        elif token in NEGATIONS:
            out.append("not")
        elif len(token) >= 2 and token not in STOPWORDS:
            out.append(stem(token))
    return tuple(out)


def _pairs(sequence: Sequence[str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in zip(sequence, sequence[1:], strict=False) if a != b}


class LexicalMatcher:
    """Weighted share of an indicator's content stems found in a passage, rare stems weighing more, with a small
    bonus for word pairs found side by side. Word overlap, so it is cheap and explainable, never semantic."""

    name = "lexical"
    version = "lexical-1"

    def __init__(self, threshold: float = 0.45, pair_bonus: float = 0.15) -> None:
        self.threshold = threshold
        self.pair_bonus = pair_bonus

    def similarities(self, passages: Sequence[str], indicators: Sequence[str]) -> list[list[float]]:
        """One row per passage, one column per indicator, each in 0..1."""
        count = len(indicators)
        stems = [tuple(dict.fromkeys(terms(text))) for text in indicators]
        document_frequency: dict[str, int] = defaultdict(int)
        for own in stems:
            for term in own:
                document_frequency[term] += 1
        weight = {term: math.log(1.0 + (count + 1) / df) for term, df in document_frequency.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        pair_postings: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
        for column, (text, own) in enumerate(zip(indicators, stems, strict=True)):
            total = sum(weight[term] for term in own)
            for term in own:
                postings[term].append((column, weight[term] / total))
            pairs = _pairs(terms(text))
            for pair in pairs:
                pair_postings[pair].append((column, self.pair_bonus / len(pairs)))
        table: list[list[float]] = []
        for passage in passages:
            sequence = terms(passage)
            row = [0.0] * count
            for term in set(sequence):
                for column, share in postings.get(term, ()):
                    row[column] += share
            for pair in _pairs(sequence):
                for column, bonus in pair_postings.get(pair, ()):
                    row[column] += bonus
            table.append([min(1.0, value) for value in row])
        return table
