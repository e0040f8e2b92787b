"""The report as PDF: rendered by portal/records' limited child through its asset-only fetcher; the page's figures
and charts, small cells suppressed alike, no JavaScript and nothing embedded."""

from __future__ import annotations

import shutil

import pytest

from portal.extensions import db
from portal.records.pdfcheck import inspect_pdf
from portal.records.render import rendering_unavailable_reason
from tests.records.conftest import embedded_files, flat, pdf_text
from tests.reports.conftest import portfolio_cases
from tests.reports.portfolio import build_portfolio
from tests.reports.test_report_page import TITLES, _as
from tests.statements import statements_for


@pytest.fixture(scope="module")
def pdftotext() -> str:
    reason = rendering_unavailable_reason()
    path = shutil.which("pdftotext")
    if reason or path is None:
        pytest.skip(reason or "pdftotext (poppler-utils) is needed to read the PDF")
    return path


def _pdf(client, path: str = "/reports/report.pdf") -> bytes:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="governance-report-')
    return response.get_data()


def test_the_pdf_shows_the_figures_and_the_charts(client, portfolio, pdftotext, caplog):
    pdf = _pdf(_as(client, portfolio.coordinator))
    assert "refused to fetch" not in caplog.text  # every chart came from the images handed to the renderer
    text = flat(pdf_text(pdftotext, pdf))
    assert "Governance report" in text and "Aggregates for your institution" in text
    assert f"{portfolio.a.short_name} 6 7" in text  # the submissions table's row
    assert "US policy for oversight of DURC and PEPP (2024) 4 2 2 50%" in text
    assert text.count("Submissions per institution in the period") == 2  # the table's heading and the chart's title
    assert text.count("New proposals submitted") == 2  # the table heading and the chart legend
    assert "P2 Fictional review of training records" in text  # a coordinator's discordant cases
    contents = inspect_pdf(pdf)
    assert not contents.active and not contents.embedded and embedded_files(pdf) == {}
    assert b"/JavaScript" not in pdf and b"/JS" not in pdf and b"/Launch" not in pdf


def test_suppression_holds_in_the_pdf(client, portfolio, pdftotext):
    text = flat(pdf_text(pdftotext, _pdf(_as(client, portfolio.cross))))
    assert "Aggregates across 2 institutions" in text
    assert f"{portfolio.b.short_name} <5 <5" in text
    assert "US policy for oversight of DURC and PEPP (2024) 6 <5 <5 —" in text
    assert not TITLES.search(text)
    for hidden in (" 1 ", " 2 "):  # Southbank's 1 and 2 submissions appear nowhere as drawn values
        assert f"{portfolio.b.short_name}{hidden}" not in text


def test_the_pdf_takes_the_filters_and_refuses_bad_ones(client, portfolio, pdftotext):
    _as(client, portfolio.cross)
    text = flat(pdf_text(pdftotext, _pdf(client, f"/reports/report.pdf?institution={portfolio.a.id}")))
    assert f"Filters: Institution {portfolio.a.short_name}" in text or f"Institution {portfolio.a.name}" in text
    assert portfolio.b.short_name not in text.split("Filters:")[1].split("Submissions per institution")[1]
    response = client.get("/reports/report.pdf?institution=abc")
    assert response.status_code == 400 and response.mimetype == "text/html"


def test_people_who_do_not_read_reports_get_no_pdf(client, portfolio):
    assert _as(client, portfolio.pi).get("/reports/report.pdf").status_code == 404


def test_the_pdf_statement_count_does_not_grow_with_the_portfolio(client, portfolio, pdftotext):
    del pdftotext  # only to skip where PDFs cannot be rendered
    _as(client, portfolio.coordinator)
    few = statements_for(client, "/reports/report.pdf")
    build_portfolio(portfolio_cases(portfolio.a.id, portfolio.b.id) * 6, pi_id=portfolio.pi.id,
                    coordinator_id=portfolio.coordinator.id)
    db.session.commit()
    assert statements_for(client, "/reports/report.pdf") == few
