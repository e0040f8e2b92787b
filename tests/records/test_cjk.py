"""Chinese text in decision records and the governance report PDF (issue 9): printed in the CJK font that the
project's setup installs (Debian's fonts-noto-cjk, .ci/run), embedded as a subset, read back by pdftotext as the
same characters; and refused with a reason naming the package when no such font is installed, never printed as
empty boxes.

Content rule (design.md §4): the proposal, institution, committee and rationale are invented and public-policy level.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from pypdf import PdfReader

from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.extensions import db
from portal.records import render
from portal.records.sandbox import RenderUnavailable
from tests.conftest import post
from tests.decisions.conftest import awaiting_decision, decision_form
from tests.decisions.test_decisions import _decision, _sign, _url
from tests.records.conftest import _require, embedded_files, pdf_text, squeezed
from tests.reports.conftest import portfolio_cases
from tests.reports.portfolio import build_portfolio
from tests.reports.test_report_page import _as
from tests.reports.test_report_pdf import _pdf
from tests.reviews.conftest import client_for, make_world

# "A survey of soil microbial diversity in urban parks"; "Northbridge University"; "Northbridge University
# Research Ethics Review Committee"; "The committee approves the project under a risk mitigation plan.";
# "Confirm each year who holds access to the records."
TITLE = "城市公园土壤微生物多样性调查"
INSTITUTION = "北桥大学"
COMMITTEE = "北桥大学科研伦理审查委员会"
RATIONALE = "委员会同意在风险缓解计划下批准本项目。"
CONDITION = "每年确认谁有权查阅这些记录。"
# "P2 A fictional review of training records": the coordinator's report lists it among the discordant cases.
REPORT_TITLE = "P2 培训记录的虚构审查"
HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="session")
def cjk_tools(renderer: None, pdftotext: str) -> str:
    """pdffonts; and a CJK font installed, or (under CI=true) a failure saying which package is missing."""
    _require(render.missing_font_reason(TITLE))
    path = shutil.which("pdffonts")
    _require(None if path else "pdffonts is not installed (Debian package poppler-utils)")
    return path


def pdf_fonts(pdffonts: str, pdf: bytes) -> list[tuple[str, bool]]:
    """(font name without its subset tag, embedded?) for every font pdffonts lists."""
    out = subprocess.run([pdffonts, "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    return [(row[0].split("+", 1)[-1], row[-5] == "yes") for row in rows]


def cjk_font_characters(pdf: bytes) -> set[str]:
    """The characters drawn with a real glyph (not glyph 0, the empty box) of a CJK font, from its ToUnicode map."""
    drawn: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            if "CJK" not in str(font["/BaseFont"]) or "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for glyph, code in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", cmap.split("beginbfchar", 1)[-1]):
                if int(glyph, 16):
                    drawn.add(bytes.fromhex(code).decode("utf-16-be"))
    return drawn


def assert_printed_in_cjk_font(pdf: bytes, pdftotext: str, pdffonts: str, phrases: list[str]) -> None:
    text = squeezed(pdf_text(pdftotext, pdf))  # a Chinese line may wrap between any two characters
    for phrase in phrases:
        assert squeezed(phrase) in text, phrase
    fonts = pdf_fonts(pdffonts, pdf)
    assert [name for name, embedded in fonts if not embedded] == []  # PDF/A: every font embedded
    assert any("CJK" in name for name, _ in fonts), fonts
    missing = set(HAN.findall("".join(phrases))) - cjk_font_characters(pdf)
    assert not missing, f"drawn without a CJK glyph: {''.join(sorted(missing))}"


@pytest.fixture
def chinese_final(app, factory):  # noqa: ANN001, ANN201
    """A final decision whose institution, committee, proposal title, rationale and condition are in Chinese."""
    w = make_world(factory)
    w.institution.name, w.ire.name = INSTITUTION, COMMITTEE
    db.session.commit()
    w.proposal = w.screened_and_routed(factory, TITLE)
    w.member = factory.user(Role.REVIEWER, institution=w.institution, name="Sam Second")
    add_member(w.ire, w.member, role=MemberRole.MEMBER, actor=None)
    db.session.commit()
    awaiting_decision(w)
    form = decision_form(rationale=RATIONALE, **{"condition-description-0": CONDITION})
    post(client_for(app, w.chair), _url(w), form)
    for signer in (w.chair, w.member):
        _sign(app, signer, _decision(w))
    decision = _decision(w)
    assert decision.state == "final", decision.state
    return w, decision


def test_a_chinese_decision_record_prints_embeds_and_reads_back_the_same_characters(app, chinese_final, cjk_tools,
                                                                                      pdftotext):
    w, decision = chinese_final
    response = client_for(app, w.chair).get(f"/decisions/{decision.id}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.location
    pdf = response.data
    assert_printed_in_cjk_font(pdf, pdftotext, cjk_tools, [TITLE, INSTITUTION, COMMITTEE, RATIONALE, CONDITION])
    record = json.loads(embedded_files(pdf)["record.json"][0])["record"]
    assert record["proposal"]["title"] == TITLE and record["institution"]["name"] == INSTITUTION
    assert record["committee"]["name"] == COMMITTEE and record["rationale"] == RATIONALE
    assert [c["description"] for c in record["conditions"]] == [CONDITION]


def test_the_governance_report_pdf_prints_a_chinese_proposal_title(client, factory, cjk_tools, pdftotext):
    a, b = factory.institution(INSTITUTION), factory.institution("Southbank Institute")
    coordinator = factory.user(Role.COORDINATOR, institution=a, name="Casey Coordinator")
    pi = factory.user(Role.INVESTIGATOR, institution=a, name="Pat Investigator")
    cases = [replace(case, title=REPORT_TITLE) if case.title.startswith("P2 ") else case
             for case in portfolio_cases(a.id, b.id)]
    build_portfolio(cases, pi_id=pi.id, coordinator_id=coordinator.id)
    db.session.commit()
    pdf = _pdf(_as(client, coordinator))
    assert_printed_in_cjk_font(pdf, pdftotext, cjk_tools, [REPORT_TITLE])


def test_without_a_cjk_font_chinese_text_is_refused_with_the_package_to_install(monkeypatch):
    monkeypatch.setattr(render, "_chinese_fonts", lambda: ())
    reason = render.missing_font_reason(f"<p>{TITLE}</p>")
    assert reason and "fonts-noto-cjk" in reason and "fc-list :lang=zh" in reason
    assert render.missing_font_reason("<p>Decision record NBU-D-000042 · page 1 of 2 — “approved”</p>") is None
    with pytest.raises(RenderUnavailable, match="fonts-noto-cjk"):
        render.render_page_pdf(f"<p>{TITLE}</p>", "test page", {})
    monkeypatch.setattr(render, "_chinese_fonts", lambda: None)  # no fc-list: cannot tell, so refuse and say why
    assert "fontconfig" in render.missing_font_reason(TITLE) and "fonts-noto-cjk" in render.missing_font_reason(TITLE)


def test_the_record_page_says_which_package_is_missing(app, chinese_final, monkeypatch):
    w, decision = chinese_final
    monkeypatch.setattr(render, "_chinese_fonts", lambda: ())
    client = client_for(app, w.chair)
    response = client.get(f"/decisions/{decision.id}/record.pdf")
    assert response.status_code == 302 and response.location.endswith(f"/decisions/{decision.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "The PDF cannot be made on this server" in page and "fonts-noto-cjk" in page
    assert "record.json is available" in page
