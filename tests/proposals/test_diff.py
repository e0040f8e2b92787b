"""Word differences, field and list differences, and the completeness check. Pure: no app."""

from __future__ import annotations

import copy

import pytest

from portal.proposals.completeness import missing_items
from portal.proposals.diff import Segment, diff_fields, diff_lists, word_diff
from portal.proposals.fields import FIELDS

COMPLETE = {
    "title": "A fictional proposal",
    "lay_summary": "A fictional study.",
    "aims": "To exercise the portal.",
    "methods_summary": "A desk review.",
    "funding_source": "federal",
    "funding_agency": "Fictional Agency",
    "award_number": "",
    "sites": "Main campus",
    "countries": "Fictional Republic",
    "containment_level": "bsl2",
}
ATTACHMENT = {"id": 1, "filename": "plan.pdf", "sha256": "ab" * 32, "size": 100, "pages": 1}


def snapshot(**fields: str) -> dict:
    return {
        "proposal_id": 1,
        "fields": {**COMPLETE, **fields},
        "pi": {"id": 1, "name": "Pi Fictional", "email": "pi@example.org"},
        "team": [],
        "collaborators": [],
        "attachments": [dict(ATTACHMENT)],
        "screening_answers": {},
    }


def old_side(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments if s.op != "added")


def new_side(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments if s.op != "removed")


# --- word_diff -------------------------------------------------------------------------------------


def test_one_word_replaced() -> None:
    assert word_diff("To exercise the old portal.", "To exercise the new portal.") == (
        Segment("same", "To exercise the "),
        Segment("removed", "old"),
        Segment("added", "new"),
        Segment("same", " portal."),
    )


def test_identical_text_is_one_same_segment() -> None:
    assert word_diff("Nothing changed here.", "Nothing changed here.") == (Segment("same", "Nothing changed here."),)


def test_empty_on_both_sides_has_no_segments() -> None:
    assert word_diff("", "") == ()


def test_all_added_and_all_removed() -> None:
    assert word_diff("", "brand new text") == (Segment("added", "brand new text"),)
    assert word_diff("old text", "") == (Segment("removed", "old text"),)


def test_words_added_at_the_end() -> None:
    assert word_diff("Main campus", "Main campus and field station") == (
        Segment("same", "Main campus"),
        Segment("added", " and field station"),
    )


def test_punctuation_stays_with_its_word() -> None:
    segments = word_diff("portal.", "portal!")
    assert segments == (Segment("removed", "portal."), Segment("added", "portal!"))


def test_whitespace_changes_are_shown() -> None:
    segments = word_diff("a  b", "a b")
    assert Segment("removed", "  ") in segments
    assert Segment("added", " ") in segments


def test_multiline_text_and_unicode() -> None:
    old = "Line one.\nZürich — site A."
    new = "Line one.\nZürich — site B."
    segments = word_diff(old, new)
    assert Segment("removed", "A.") in segments
    assert Segment("added", "B.") in segments


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", ""),
        ("a b c", "a x c"),
        ("The quick brown fox", "A quick red fox jumps"),
        ("  leading and trailing  ", "leading, trailing"),
        ("one\ntwo\n\nthree", "one\n\ntwo three"),
        ("repeat repeat repeat", "repeat"),
        ("αβγ δ", "αβγ ε δ"),
    ],
)
def test_segments_rebuild_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert old_side(segments) == old
    assert new_side(segments) == new
    assert all(s.op in ("same", "added", "removed") for s in segments)
    assert all(s.text for s in segments)


# --- diff_fields and diff_lists ---------------------------------------------------------------------


def test_diff_fields_covers_every_field_and_marks_only_changes() -> None:
    diffs = diff_fields(snapshot(), snapshot(aims="To exercise the whole portal."))
    assert [d.name for d in diffs] == [spec.name for spec in FIELDS]
    changed = {d.name for d in diffs if d.changed}
    assert changed == {"aims"}
    aims = next(d for d in diffs if d.name == "aims")
    assert aims.label == "Aims"
    assert Segment("added", "whole ") in aims.segments


def test_diff_fields_compares_choices_by_their_labels() -> None:
    diffs = {d.name: d for d in diff_fields(snapshot(), snapshot(containment_level="bsl3"))}
    containment = diffs["containment_level"]
    assert containment.changed
    assert old_side(containment.segments) == "Biosafety level 2"
    assert new_side(containment.segments) == "Biosafety level 3"


def test_diff_fields_of_a_field_missing_from_an_old_snapshot() -> None:
    old = snapshot()
    del old["fields"]["award_number"]
    diffs = {d.name: d for d in diff_fields(old, snapshot(award_number="FA-1"))}
    assert diffs["award_number"].changed
    assert diffs["award_number"].segments == (Segment("added", "FA-1"),)


def test_identical_snapshots_have_no_changes() -> None:
    assert not any(d.changed for d in diff_fields(snapshot(), snapshot()))
    assert not any(d.changed for d in diff_lists(snapshot(), snapshot()))


def test_diff_lists_names_added_and_removed_items() -> None:
    old, new = snapshot(), snapshot()
    new["attachments"] = [{**ATTACHMENT, "id": 2, "filename": "appendix.pdf", "sha256": "cd" * 32}]
    new["team"] = [{"user_id": 2, "name": "Co Fictional", "email": "co@example.org", "role": "co_investigator"}]
    new["collaborators"] = [{"name": "Dr External", "affiliation": "Fictional University", "role": ""}]
    new["screening_answers"] = {"q1": "no"}
    lists = {d.label: d for d in diff_lists(old, new)}
    assert lists["Team"].added == ("Co Fictional (co-investigator)",)
    assert lists["External collaborators"].added == ("Dr External, Fictional University",)
    assert lists["Attachments"].added == ("appendix.pdf (SHA-256 cdcdcdcdcdcd…)",)
    assert lists["Attachments"].removed == ("plan.pdf (SHA-256 abababababab…)",)
    assert lists["Screening answers"].added == ("q1: no",)
    assert all(d.changed for d in lists.values())


def test_diff_lists_keeps_what_is_on_both_sides() -> None:
    lists = {d.label: d for d in diff_lists(snapshot(), snapshot())}
    assert lists["Attachments"].kept == ("plan.pdf (SHA-256 abababababab…)",)
    assert not lists["Attachments"].changed


def test_diff_lists_tolerates_snapshots_without_screening_answers() -> None:
    old = snapshot()
    del old["screening_answers"]
    lists = {d.label: d for d in diff_lists(old, snapshot())}
    assert not lists["Screening answers"].changed


# --- completeness -----------------------------------------------------------------------------------


def test_complete_snapshot_misses_nothing() -> None:
    assert missing_items(snapshot()) == []


def test_every_required_field_is_named_in_order() -> None:
    empty = snapshot(**{spec.name: "" for spec in FIELDS})
    empty["attachments"] = []
    missing = missing_items(empty)
    assert missing == [f"{spec.label} is empty." for spec in FIELDS if spec.required] + [
        "Attach at least one PDF document (for example the research plan)."
    ]
    assert "Award or application number is empty." not in missing


@pytest.mark.parametrize("blank", ["", "   ", "\n\t", None])
def test_blank_values_count_as_missing(blank: str | None) -> None:
    assert missing_items(snapshot(aims=blank)) == ["Aims is empty."]


def test_a_field_absent_from_the_snapshot_is_missing() -> None:
    partial = snapshot()
    del partial["fields"]["sites"]
    assert missing_items(partial) == ["Sites where the work takes place is empty."]


def test_no_attachment_is_missing() -> None:
    no_files = snapshot()
    no_files["attachments"] = []
    assert missing_items(no_files) == ["Attach at least one PDF document (for example the research plan)."]


def test_missing_items_does_not_change_the_snapshot() -> None:
    original = snapshot(aims="")
    before = copy.deepcopy(original)
    missing_items(original)
    assert original == before
