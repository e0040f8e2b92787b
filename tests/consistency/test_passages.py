"""Passages are what a reviewer is pointed at: whole sentences, in field order, never empty."""

from __future__ import annotations

from portal.consistency.matching import Passage
from portal.consistency.passages import split_passages


def test_sentences_in_field_order_indexed_from_zero_per_field() -> None:
    passages = split_passages(
        {
            "title": "A study of seasonal respiratory viruses",
            "aims": "We will map where the viruses circulate each winter. "
            "Is vaccination coverage linked to outbreak size? We will tell infection-control teams what we find!",
        }
    )
    assert [(p.field, p.index) for p in passages] == [("title", 0), ("aims", 0), ("aims", 1), ("aims", 2)]
    assert passages[2].text == "Is vaccination coverage linked to outbreak size?"


def test_empty_fields_give_no_passages() -> None:
    assert split_passages({"title": "", "aims": "   \n  ", "methods_summary": "Records are analysed with models."}) == [
        Passage("methods_summary", 0, "Records are analysed with models.")
    ]


def test_bullets_and_line_breaks() -> None:
    text = (
        "The aims are:\n- describe the circulation of seasonal viruses\n- compare care homes with hospitals\n"
        "1. publish the results openly for public health teams"
    )
    texts = [p.text for p in split_passages({"aims": text})]
    assert texts == [
        "The aims are: describe the circulation of seasonal viruses",
        "compare care homes with hospitals",
        "publish the results openly for public health teams",
    ]


def test_a_wrapped_line_stays_one_sentence() -> None:
    text = "We will compare the records\nof three hospitals over five years."
    texts = [p.text for p in split_passages({"aims": text})]
    assert texts == ["We will compare the records of three hospitals over five years."]


def test_short_fragments_join_a_neighbour() -> None:
    texts = [p.text for p in split_passages({"aims": "Aims. We describe infection patterns in care homes. Done."})]
    assert texts == ["Aims. We describe infection patterns in care homes. Done."]


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = "We compare sources, e.g. hospital records and surveys of staff."
    texts = [p.text for p in split_passages({"aims": text})]
    assert len(texts) == 1


def test_chinese_punctuation() -> None:
    text = "本项目研究季节性呼吸道病毒的流行情况。我们将比较不同养老院的数据！研究结果是否向公众公开？好。"
    texts = [p.text for p in split_passages({"aims": text})]
    assert texts == [
        "本项目研究季节性呼吸道病毒的流行情况。",
        "我们将比较不同养老院的数据！",
        "研究结果是否向公众公开？好。",
    ]


def test_a_very_long_sentence_is_cut_at_semicolons_or_commas() -> None:
    clause = "the team will compare the records of several hospitals over many years in different regions"
    text = "; ".join([clause] * 6) + "."
    passages = split_passages({"methods_summary": text})
    assert len(passages) > 1
    assert all(len(p.text.split()) <= 60 for p in passages)
    commas = ", ".join([clause] * 6) + "."
    assert all(len(p.text.split()) <= 60 for p in split_passages({"aims": commas}))
    assert " ".join(p.text for p in passages).count("hospitals") == 6


def test_pure_and_deterministic() -> None:
    fields = {"title": "Seasonal viruses in care homes", "aims": "We describe patterns. We compare homes with wards."}
    assert split_passages(fields) == split_passages(dict(fields))
