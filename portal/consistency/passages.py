"""A proposal's free text cut into passages: sentences, small enough that a finding points a reviewer at the exact
place, large enough to carry meaning. Pure: no database, no Flask."""

from __future__ import annotations

import re
from collections.abc import Mapping

from portal.consistency.matching import Passage

MIN_WORDS = 4  # a shorter fragment ("Aims:", "1.") is merged into a neighbour
MAX_WORDS = 60  # a longer sentence is split at ';' or commas

# A line that starts a list item: "-", "*", "•", "1.", "2)", "(a)", "a." ...
_BULLET = re.compile(r"^\s*(?:[-*•·‣▪–—]+|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)](?=\s))\s+")
# A sentence ends at . ! ? (with closing quotes or brackets) followed by a space, or at a CJK end mark.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|(?<=[。！？；])")
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ABBREVIATIONS = frozenset({"e.g.", "i.e.", "etc.", "al.", "cf.", "vs.", "approx.", "fig.", "dr.", "nos."})


def split_passages(fields: Mapping[str, str]) -> list[Passage]:
    """Sentences of each field in the order given, indexed from 0 per field; empty fields give none."""
    passages: list[Passage] = []
    for field, text in fields.items():
        pieces = _merge_short(_sentences(text or ""))
        passages.extend(Passage(field, index, piece) for index, piece in enumerate(pieces))
    return passages


def word_count(text: str) -> int:
    """Words for the short/long rules; a CJK character counts as half a word (a word is about two characters)."""
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + (cjk + 1) // 2


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for block in _blocks(text):
        for sentence in _split_ends(block):
            sentences.extend(_split_long(sentence))
    return [s for s in sentences if _WORD.search(s)]


def _blocks(text: str) -> list[str]:
    """Paragraphs and list items: a blank line or a bullet starts a new block; other line breaks are spaces."""
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            blocks.append([])
            continue
        bullet = _BULLET.match(line)
        if bullet:
            blocks.append([line[bullet.end() :].strip()])
        else:
            blocks[-1].append(line.strip())
    return [" ".join(lines) for lines in blocks if lines]


def _split_ends(block: str) -> list[str]:
    parts = [part.strip() for part in _SENTENCE_END.split(block) if part and part.strip()]
    joined: list[str] = []
    for part in parts:
        if joined and joined[-1].split()[-1].lower() in _ABBREVIATIONS:
            joined[-1] = f"{joined[-1]} {part}"
        else:
            joined.append(part)
    return joined


def _split_long(sentence: str) -> list[str]:
    """A sentence of more than MAX_WORDS words is cut at ';' first, then at commas, into chunks near the limit."""
    if word_count(sentence) <= MAX_WORDS:
        return [sentence]
    for separator in (r"(?<=[;；])\s*", r"(?<=[,，、])\s*"):
        pieces = [p for p in re.split(separator, sentence) if p.strip()]
        if len(pieces) > 1:
            chunks: list[str] = []
            for piece in pieces:
                if chunks and word_count(chunks[-1]) + word_count(piece) <= MAX_WORDS:
                    chunks[-1] = f"{chunks[-1]} {piece.strip()}".strip()
                else:
                    chunks.append(piece.strip())
            return [c for chunk in chunks for c in _split_long(chunk)] if len(chunks) > 1 else chunks
    return _split_words(sentence)


def _split_words(sentence: str) -> list[str]:
    """Last resort for a run-on without punctuation: cut every MAX_WORDS words."""
    words = sentence.split()
    if len(words) <= 1:
        return [sentence]
    return [" ".join(words[i : i + MAX_WORDS]) for i in range(0, len(words), MAX_WORDS)]


def _merge_short(pieces: list[str]) -> list[str]:
    """A fragment under MIN_WORDS words joins the next piece (or the previous one, at the end of a field)."""
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        piece = _join(carry, piece) if carry else piece
        carry = ""
        if word_count(piece) < MIN_WORDS:
            carry = piece
        else:
            merged.append(piece)
    if carry:
        if merged:
            merged[-1] = _join(merged[-1], carry)
        else:
            merged.append(carry)
    return merged


def _join(left: str, right: str) -> str:
    """Chinese text runs on without a space; other text gets one."""
    if _CJK.search(left[-1:]) or left[-1:] in "。！？；，、" or _CJK.match(right):
        return f"{left}{right}"
    return f"{left} {right}"
