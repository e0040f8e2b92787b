"""Criteria sets in the reader's language (issue 9): the criteria set pages and the questionnaire show a set's
title, questions, help, choice labels, criteria and outcomes in Chinese for a reader who chose Chinese, and in
English otherwise. What is stored stays English, with ids."""

from __future__ import annotations

import json
from pathlib import Path

from portal.auth.roles import Role
from portal.extensions import db
from portal.i18n.languages import DEFAULT_LOCALE, LANGUAGES
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.proposals.conftest import signed_in, text
from tests.screenings.helpers import activate, questionnaire_url, save_answers, saved_answers

PRC = "prc-st-ethics-2023"
TIANJIN = "tianjin-2021-guidelines"
SCHEMA = Path(__file__).resolve().parents[2] / "review_criteria" / "schema.json"
ZH_TITLE = "《科技伦理审查办法（试行）》（2023年），附《生物安全法》第三十六条风险分类"
ZH_QUESTION = "依据法律、行政法规和国家有关规定，该活动是否另需进行科技伦理审查？"
ZH_SHARED_QUESTION = "该工作是否涉及实验动物？"
ZH_CHOICE = "侵入式脑机接口用于神经、精神类疾病治疗的临床研究"
ZH_OUTCOME = "科技伦理（审查）委员会审查后开展专家复核"
EN_TITLE = "PRC Measures for Science and Technology Ethics Review (Trial, 2023)"
EN_QUESTION = "Do laws, regulations or state provisions otherwise require S&amp;T ethics review of the activity?"
EN_SHARED_QUESTION = "Does the work involve laboratory animals?"


def _chinese_reader(factory, **kwargs):  # noqa: ANN001, ANN003, ANN202
    user = factory.user(Role.INVESTIGATOR, **kwargs)
    user.locale = "zh_CN"
    db.session.commit()
    return user


def test_the_schema_knows_the_portals_languages_other_than_english() -> None:
    languages = json.loads(SCHEMA.read_text())["$defs"]["language"]["enum"]
    assert sorted(languages) == sorted(code for code in LANGUAGES if code != DEFAULT_LOCALE)


def test_the_set_page_in_chinese_for_a_reader_who_chose_chinese(app, factory):
    client = signed_in(app, _chinese_reader(factory))
    page = text(client.get(f"/criteria/{PRC}"))
    assert f"<h1>{ZH_TITLE}</h1>" in page
    assert ZH_QUESTION in page and ZH_SHARED_QUESTION in page
    assert ZH_OUTCOME in page
    assert "属于科技伦理审查范围（《办法》第二条）" in page  # a criterion
    assert EN_TITLE not in page and EN_QUESTION not in page
    # The list of sets shows the translated titles; a set without translations stays English.
    listing = text(client.get("/criteria"))
    assert ZH_TITLE in listing and "《科学家生物安全行为准则天津指南》（2021年）：声明" in listing
    assert "Mirror life" in listing


def test_the_set_page_in_english_for_everyone_else(app, factory):
    client = signed_in(app, factory.user(Role.INVESTIGATOR))
    page = text(client.get(f"/criteria/{PRC}"))
    assert EN_TITLE in page and EN_QUESTION in page and EN_SHARED_QUESTION in page
    assert ZH_TITLE not in page and ZH_QUESTION not in page


def test_a_signed_in_reader_without_a_saved_language_follows_the_browser(app, factory):
    user = factory.user(Role.INVESTIGATOR)
    client = app.test_client()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    page = text(client.get(f"/criteria/{TIANJIN}", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
    assert "准则一，坚守道德基准" in page


def test_the_questionnaire_asks_in_chinese_and_stores_english_ids(app, factory):
    institution = factory.institution()
    activate(institution, PRC)
    pi = _chinese_reader(factory, institution=institution)
    proposal = factory.proposal(pi)
    client = signed_in(app, pi)
    page = text(client.get(questionnaire_url(proposal)))
    assert ZH_QUESTION in page and ZH_SHARED_QUESTION in page and ZH_CHOICE in page
    assert f"<h2>{ZH_TITLE}</h2>" in page
    assert EN_QUESTION not in page
    answers = {
        "ethics.human_participants": "no",
        "ethics.animals": "yes",
        "prc23.other_ethical_risks": "no",
        "prc23.required_by_law": "no",
        "prc23.expert_rereview_items": ["invasive_bci_clinical"],
        "sites.international_cooperation": "no",
        "prc23.biotech_rd": "no",
    }
    assert save_answers(client, proposal, answers).status_code == 302
    assert saved_answers(proposal) == answers
