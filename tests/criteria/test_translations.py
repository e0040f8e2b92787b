"""Criteria sets in several languages (issue 9): a top-level `translations:` block per file, checked like the rest
of the file (language codes, ids, keys, each problem with file, line and key path), shown per string with English
as the fallback, and covered by the set's digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.criteria.loader import check_criteria
from tests.criteria.shipped import shipped_sets
from tests.criteria.test_bad_input import SET_NAME, _check, assert_problem
from tests.criteria.tiny_tree import SHARED_QUESTIONS, TINY_SET, line_of, write_tree

TRANSLATED_SETS = ("prc-st-ethics-2023", "tianjin-2021-guidelines")
SHARED_NAME = "review_criteria/questions/shared.yaml"

TRANSLATIONS = """\
translations:
  zh_CN:
    title: 测试用小型标准集
    questions:
      tiny.size:
        text: 规模是多少？
        choices: {large: 大}
      tiny.colour:
        help: 选择所有适用项。
        choices: {red: 红色}
    criteria:
      big_red:
        title: 红色且大
        human_judgment: 大规模红色工作是否值得关注？
    outcomes:
      stop: {title: 停止}
      check: {title: 由协调员核查}
    determinations:
      of_concern: {title: 值得关注, description: 委员会认为该工作值得关注。}
"""

SHARED_TRANSLATIONS = """\
translations:
  zh_CN:
    questions:
      gate:
        text: 门槛是否适用？
"""


def _with(translations: str, text: str = TINY_SET) -> str:
    return text.replace("examples:\n", translations + "examples:\n", 1)


def _tiny(tmp_path: Path, set_text: str, shared: str = SHARED_QUESTIONS):  # noqa: ANN202
    sets, problems = check_criteria(
        write_tree(tmp_path / "review_criteria", set_text=set_text, questions={"shared.yaml": shared})
    )
    assert [str(p) for p in problems] == []
    return sets["tiny"]


def test_a_set_with_translations_loads_and_shows_each_string_in_the_language(tmp_path: Path) -> None:
    tiny = _tiny(tmp_path, _with(TRANSLATIONS), SHARED_QUESTIONS + SHARED_TRANSLATIONS)
    assert tiny.languages == ("en", "zh_CN")
    zh = tiny.localized("zh_CN")
    assert zh.title == "测试用小型标准集"
    questions = {q.id: q for q in zh.questions}
    assert questions["gate"].text == "门槛是否适用？"  # from the shared question file
    assert questions["tiny.size"].text == "规模是多少？"
    assert [(c.id, c.label) for c in questions["tiny.size"].choices] == [("small", "Small"), ("large", "大")]
    assert questions["tiny.colour"].text == "Which colours are involved?"  # per string: English where untranslated
    assert questions["tiny.colour"].help == "选择所有适用项。"
    assert {c.id: c.label for c in questions["tiny.colour"].choices}["red"] == "红色"  # a list's choice
    assert [q.id for q in zh.question_order] == [q.id for q in tiny.question_order]
    assert all(q.text == questions[q.id].text for q in zh.question_order)
    criteria = {c.id: c for c in zh.criteria}
    assert criteria["big_red"].title == "红色且大"
    assert criteria["big_red"].human_judgment.question == "大规模红色工作是否值得关注？"
    assert criteria["big_red"].human_judgment.by == ("ire",)
    assert criteria["red"].title == "Red is involved"
    assert zh.outcome("stop").title == "停止" and zh.outcome("refer").title == "Refer"
    assert zh.default_outcome.title == "由协调员核查"
    assert zh.determination("of_concern").title == "值得关注"
    assert zh.determination("of_concern").clocks == tiny.determination("of_concern").clocks
    # The language changes what is shown, nothing else.
    assert (zh.id, zh.version, zh.digest, zh.routing, zh.clocks) == (
        tiny.id,
        tiny.version,
        tiny.digest,
        tiny.routing,
        tiny.clocks,
    )
    assert [c.id for c in zh.criteria] == [c.id for c in tiny.criteria]
    # English, or a language the file does not carry, is the set as written.
    assert tiny.localized("en") is tiny
    assert tiny.localized(None) is tiny
    assert tiny.localized("fr") is tiny


def test_a_set_without_translations_falls_back_to_english(tmp_path: Path) -> None:
    tiny = _tiny(tmp_path, TINY_SET)
    assert tiny.languages == ("en",)
    assert tiny.localized("zh_CN") == tiny
    for criteria_set in shipped_sets().values():
        if "zh_CN" not in criteria_set.languages:
            zh = criteria_set.localized("zh_CN")
            assert (zh.title, [q.text for q in zh.questions]) == (
                criteria_set.title,
                [q.text for q in criteria_set.questions],
            )


def test_a_translation_is_part_of_the_digest(tmp_path: Path) -> None:
    plain = _tiny(tmp_path / "a", TINY_SET).digest
    translated = _tiny(tmp_path / "b", _with(TRANSLATIONS)).digest
    changed = _tiny(tmp_path / "c", _with(TRANSLATIONS.replace("停止", "终止"))).digest
    shared = _tiny(tmp_path / "d", _with(TRANSLATIONS), SHARED_QUESTIONS + SHARED_TRANSLATIONS).digest
    assert len({plain, translated, changed, shared}) == 4


def test_an_unknown_language_is_refused_with_its_key_path_and_line(tmp_path: Path) -> None:
    text = _with(TRANSLATIONS.replace("  zh_CN:", "  fr:"))
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "translations.fr", line_of(text, "  fr:"), "unknown language 'fr'", "zh_CN")


def test_english_is_the_base_text_not_a_translation(tmp_path: Path) -> None:
    text = _with(TRANSLATIONS.replace("  zh_CN:", "  en:"))
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, "translations.en", line_of(text, "  en:"), "unknown language 'en'", "base text")


# (what is replaced, by what, the key path of the problem, a word of its message): each names the line it broke.
BROKEN = [
    ("      tiny.size:", "      tiny.sizes:", "questions.tiny.sizes", "unknown question 'tiny.sizes'"),
    ("      big_red:", "      huge_red:", "criteria.huge_red", "unknown criterion 'huge_red'"),
    ("      stop:", "      halt:", "outcomes.halt", "unknown outcome 'halt'"),
    ("      of_concern:", "      worry:", "determinations.worry", "unknown determination 'worry'"),
    ("{large: 大}", "{huge: 巨大}", "questions.tiny.size.choices.huge", "unknown choice 'huge'"),
    ("        text: 规模是多少？", "        txt: 规模是多少？", "questions.tiny.size.txt", "unknown key 'txt'"),
]


@pytest.mark.parametrize(("old", "new", "path", "message"), BROKEN, ids=[row[2] for row in BROKEN])
def test_an_unknown_id_or_key_in_a_translation_is_refused(
    tmp_path: Path, old: str, new: str, path: str, message: str
) -> None:
    text = _with(TRANSLATIONS.replace(old, new))
    problems = _check(tmp_path, text)
    assert_problem(problems, SET_NAME, f"translations.zh_CN.{path}", line_of(text, new.strip()), message)


def test_a_shared_question_file_is_checked_the_same_way(tmp_path: Path) -> None:
    shared = SHARED_QUESTIONS + SHARED_TRANSLATIONS.replace("      gate:", "      gates:")
    problems = _check(tmp_path, TINY_SET, questions={"shared.yaml": shared})
    line = line_of(shared, "      gates:")
    assert_problem(problems, SHARED_NAME, "translations.zh_CN.questions.gates", line, "unknown question 'gates'")
    shared = SHARED_QUESTIONS + SHARED_TRANSLATIONS.replace("  zh_CN:", "  zh_TW:")
    problems = _check(tmp_path / "other", TINY_SET, questions={"shared.yaml": shared})
    assert_problem(problems, SHARED_NAME, "translations.zh_TW", line_of(shared, "zh_TW"), "unknown language 'zh_TW'")


@pytest.mark.parametrize("set_id", TRANSLATED_SETS)
def test_the_chinese_sets_translate_every_question_criterion_and_outcome(set_id: str) -> None:
    criteria_set = shipped_sets()[set_id]
    assert criteria_set.languages == ("en", "zh_CN")
    assert criteria_set.untranslated("zh_CN") == []
    zh = criteria_set.localized("zh_CN")
    english = [
        criteria_set.title,
        *(q.text for q in criteria_set.questions),
        *(c.label for q in criteria_set.questions for c in q.choices),
        *(c.title for c in criteria_set.criteria),
        *(o.title for o in criteria_set.all_outcomes),
    ]
    chinese = [
        zh.title,
        *(q.text for q in zh.questions),
        *(c.label for q in zh.questions for c in q.choices),
        *(c.title for c in zh.criteria),
        *(o.title for o in zh.all_outcomes),
    ]
    for before, after in zip(english, chinese, strict=True):
        assert after != before and any("\u4e00" <= ch <= "\u9fff" for ch in after), (before, after)
