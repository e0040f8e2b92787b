"""The language of decision records (issue 9): the institution's setting, not the reader's. A record carries it as
`language`; its headings and labels are printed in it, its data (titles, names, rationales) as written; it verifies
as before. The administrator sets it on the accounts page, audited; only the institution's administrators may.

The Chinese labels come from the committed catalogue (compiled here when stale, as `make` would). Content rule
(design.md §4): the proposal, institution and rationale are invented and public-policy level.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from markupsafe import escape

from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.extensions import db
from portal.i18n.languages import LANGUAGES
from portal.institutions.models import Institution
from portal.institutions.operations import set_record_language
from portal.records import render
from portal.records.document import record_html
from portal.records.shape import SCHEMA_PATH
from portal.records.signing import sign_record
from tests.auth.helpers import event_data, events
from tests.conftest import post
from tests.decisions.conftest import awaiting_decision, decision_form
from tests.decisions.test_decisions import _decision, _sign, _url
from tests.i18n.catalogue import compile_if_stale
from tests.records.conftest import _require, embedded_files, flat, pdf_text, squeezed
from tests.records.sample_record import sample_record
from tests.reviews.conftest import client_for, make_world

TITLE = "A survey of public attitudes to research oversight"
RATIONALE = "The committee approves the survey under a plan for handling the responses."
CHINESE_LABELS = ["决定记录", "研究负责人：", "审查委员会的认定", "理由：", "签名", "保存与完整性"]
ENGLISH_LABELS = ["Decision record", "Principal investigator:", "Determinations by the committee", "Rationale:",
                  "8. Signatures", "Retention and integrity"]
ACCOUNTS = "/admin/accounts"
SETTING = "/admin/institution/record-language"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue() -> None:
    compile_if_stale()


@pytest.fixture
def final_decision(app, factory):  # noqa: ANN001, ANN201
    """Make a final decision of an institution whose record language the test sets first (via `make`)."""

    def make(language: str):  # noqa: ANN202
        w = make_world(factory)
        set_record_language(w.institution, language, actor=None)
        db.session.commit()
        w.proposal = w.screened_and_routed(factory, TITLE)
        w.member = factory.user(Role.REVIEWER, institution=w.institution, name="Sam Second")
        add_member(w.ire, w.member, role=MemberRole.MEMBER, actor=None)
        db.session.commit()
        awaiting_decision(w)
        post(client_for(app, w.chair), _url(w), decision_form(rationale=RATIONALE))
        for signer in (w.chair, w.member):
            _sign(app, signer, _decision(w))
        decision = _decision(w)
        assert decision.state == "final", decision.state
        return w, decision

    return make


def _record_pdf(app, w, decision) -> bytes:  # noqa: ANN001
    response = client_for(app, w.chair).get(f"/decisions/{decision.id}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.location
    return response.data


def _verify(app, pdf: bytes, tmp_path) -> str:  # noqa: ANN001
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    result = app.test_cli_runner().invoke(args=["records", "verify", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_chinese_institution_prints_chinese_labels_and_its_data_as_written(app, final_decision, renderer, pdftotext,
                                                                              tmp_path):
    _require(render.missing_font_reason("决定记录"))
    w, decision = final_decision("zh_CN")
    pdf = _record_pdf(app, w, decision)
    text = pdf_text(pdftotext, pdf)
    for label in CHINESE_LABELS:
        assert squeezed(label) in squeezed(text), label
    assert "Principal investigator:" not in text and "Determinations by the committee" not in text
    # The data stays as written: the title, the rationale and the statement people sign off on are not translated.
    assert flat(TITLE) in flat(text) and flat(RATIONALE) in flat(text)
    record = json.loads(embedded_files(pdf)["record.json"][0])["record"]
    assert record["language"] == "zh_CN"
    assert record["proposal"]["title"] == TITLE and record["rationale"] == RATIONALE
    assert _verify(app, pdf, tmp_path).startswith(f"VALID {record['record_id']}")


def test_an_english_institution_prints_english_labels(app, final_decision, renderer, pdftotext, tmp_path):
    w, decision = final_decision("en")
    pdf = _record_pdf(app, w, decision)
    text = flat(pdf_text(pdftotext, pdf))
    for label in ENGLISH_LABELS:
        assert label in text, label
    assert flat(TITLE) in text and flat(RATIONALE) in text
    record = json.loads(embedded_files(pdf)["record.json"][0])["record"]
    assert record["language"] == "en"
    assert _verify(app, pdf, tmp_path).startswith(f"VALID {record['record_id']}")


def test_the_reader_s_language_does_not_change_the_record(app, final_decision):
    """A Chinese-speaking chair of an English-language institution gets the same English record as anyone."""
    w, decision = final_decision("en")
    w.chair.locale = "zh_CN"
    db.session.commit()
    envelope = client_for(app, w.chair).get(f"/decisions/{decision.id}/record.json").get_json()
    assert envelope["record"]["language"] == "en"


def _html(record: dict[str, Any], private_key) -> str:  # noqa: ANN001
    """The record's HTML with its fingerprint and signature (which differ with every signed byte) named instead."""
    envelope = sign_record(record, private_key)
    html = record_html(envelope)
    for key in ("fingerprint", "signature"):
        html = html.replace(envelope[key], key.upper())
    return html


def test_a_record_without_a_language_prints_in_english_and_only_labels_change(private_key):
    old = sample_record()
    old.pop("language", None)
    english = _html(old, private_key)
    assert english == _html({**old, "language": "en"}, private_key)
    assert '<html lang="en">' in english and "Principal investigator: " in english
    chinese = _html({**old, "language": "zh_CN"}, private_key)
    assert '<html lang="zh-Hans">' in chinese and "研究负责人：" in chinese and "Principal investigator:" not in chinese
    # Data is printed as it is in the record, in both languages.
    for value in (old["proposal"]["title"], old["outcome"]["title"], old["statement"], old["rationale"]):
        assert str(escape(value)) in english and str(escape(value)) in chinese


def test_the_schema_names_the_portal_s_languages():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["properties"]["language"]["enum"] == list(LANGUAGES)
    assert "language" not in schema["required"]  # records made before it had one stay valid


# The accounts page's setting.


def test_an_admin_sets_the_language_of_the_institution_s_records_and_it_is_audited(app, factory):
    admin = factory.user(Role.ADMIN)
    browser = client_for(app, admin)
    page = browser.get(ACCOUNTS).get_data(as_text=True)
    assert "Language of decision records" in page and f'action="{SETTING}"' in page
    response = post(browser, SETTING, {"record_language": "zh_CN"})
    assert response.status_code == 302 and response.location.endswith(ACCOUNTS)
    db.session.expire_all()
    assert db.session.get(Institution, admin.institution_id).record_language == "zh_CN"
    [event] = events("institution.record_language_set")
    assert (event.actor_id, event.target_id) == (admin.id, str(admin.institution_id))
    assert event_data(event) == {"from": "en", "to": "zh_CN"}
    assert "Decision records are now printed in 简体中文." in browser.get(ACCOUNTS).get_data(as_text=True)
    assert '<option selected value="zh_CN">' in browser.get(ACCOUNTS).get_data(as_text=True)


def test_the_same_language_again_changes_nothing(app, factory):
    admin = factory.user(Role.ADMIN)
    assert post(client_for(app, admin), SETTING, {"record_language": "en"}).status_code == 302
    assert events("institution.record_language_set") == []


@pytest.mark.parametrize("value", ["fr", "zh_Hans_CN", "", "<script>"])
def test_a_language_outside_the_list_is_refused_and_nothing_is_saved(app, factory, value):
    admin = factory.user(Role.ADMIN)
    response = post(client_for(app, admin), SETTING, {"record_language": value})
    assert response.status_code == 400
    assert "Choose one of the languages in the list." in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Institution, admin.institution_id).record_language == "en"
    assert events("institution.record_language_set") == []


@pytest.mark.parametrize("role", [Role.CHAIR, Role.COORDINATOR, Role.GOVERNANCE, Role.INVESTIGATOR])
def test_only_an_admin_may_set_it(app, factory, role):
    person = factory.user(role)
    assert post(client_for(app, person), SETTING, {"record_language": "zh_CN"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Institution, person.institution_id).record_language == "en"
    assert events("institution.record_language_set") == []


def test_an_admin_sets_only_their_own_institution(app, factory):
    admin, other = factory.user(Role.ADMIN), factory.institution("Southbank Institute")
    assert post(client_for(app, admin), SETTING, {"record_language": "zh_CN", "institution_id": other.id}).status_code \
        == 302
    db.session.expire_all()
    assert db.session.get(Institution, other.id).record_language == "en"
    assert db.session.get(Institution, admin.institution_id).record_language == "zh_CN"


def test_changing_the_setting_later_leaves_earlier_records_as_they_were(app, final_decision):
    """Records are rebuilt from the stored decision on every download: the decision keeps the language it was made
    under, so an earlier record's bytes stay the same when an admin changes the setting."""
    w, decision = final_decision("en")
    before = client_for(app, w.chair).get(f"/decisions/{decision.id}/record.json").data
    set_record_language(w.institution, "zh_CN", actor=None)
    db.session.commit()
    after = client_for(app, w.chair).get(f"/decisions/{decision.id}/record.json")
    assert after.status_code == 200 and after.data == before
    assert json.loads(after.data)["record"]["language"] == "en"
