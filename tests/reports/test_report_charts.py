"""The report's SVG charts: served as images, no script or style, the table's figures and no suppressed cell drawn."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.reports.charts import CHART_MEASURES, chart_series, chart_svg
from portal.reports.report import Table
from tests.reports.conftest import portfolio_cases
from tests.reports.portfolio import build_portfolio
from tests.reports.test_report_page import TITLES, _as, _row
from tests.statements import statements_for

VALUE = re.compile(r'<text[^>]*class="value"[^>]*>([^<]*)</text>')


def _svg(client, path: str) -> str:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "image/svg+xml"
    return response.get_data(as_text=True)


def _drawn(svg: str) -> list[str]:
    return VALUE.findall(svg)


@pytest.mark.parametrize("measure", CHART_MEASURES)
def test_every_chart_is_svg_with_no_script_no_style_and_no_outside_reference(client, portfolio, measure):
    svg = _svg(_as(client, portfolio.coordinator), f"/reports/chart/{measure}.svg")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    for banned in ("<script", "<style", "style=", "javascript:", "href=", "<foreignObject"):
        assert banned not in svg, f"{measure}: {banned}"
    assert not re.search(r"\son\w+=", svg), f"{measure}: an event handler"


def test_the_chart_draws_the_tables_figures(client, portfolio):
    _as(client, portfolio.coordinator)
    page = client.get("/reports").get_data(as_text=True)
    svg = _svg(client, "/reports/chart/submissions.svg")
    assert _row(page, portfolio.a.short_name) == ["6", "7"]
    assert _drawn(svg) == ["6", "7"] and portfolio.a.short_name in svg
    outcomes = _svg(client, "/reports/chart/outcomes.svg")
    section = re.search(r'<section id="measure-outcomes".*?</section>', page, re.S).group(0)
    assert _drawn(outcomes) == re.findall(r"<td>(\d+)</td>", section) and len(_drawn(outcomes)) >= 2
    assert 'src="/reports/chart/submissions.svg"' in page and 'alt="Bar chart of the table above: ' in page


def test_a_cross_institution_readers_suppressed_cells_are_not_drawn(client, portfolio):
    _as(client, portfolio.cross)
    page = client.get("/reports").get_data(as_text=True)
    assert _row(page, portfolio.b.short_name) == ["&lt;5", "&lt;5"]
    svg = _svg(client, "/reports/chart/submissions.svg")
    assert _drawn(svg) == ["6", "7"]  # Northfield's bars only; Southbank's 1 and 2 are not drawn
    assert svg.count('class="rect reactive tooltip-trigger"') == 2
    concordance = _svg(client, "/reports/chart/concordance.svg")
    assert _drawn(concordance) == ["6"]  # agree and disagree (<5) are not drawn, nor the share
    for measure in CHART_MEASURES:
        assert not TITLES.search(_svg(client, f"/reports/chart/{measure}.svg")), measure


def test_the_chart_takes_the_same_filters(client, portfolio):
    _as(client, portfolio.cross)
    svg = _svg(client, f"/reports/chart/submissions.svg?institution={portfolio.a.id}")
    assert portfolio.b.short_name not in svg and _drawn(svg) == ["6", "7"]
    page = client.get(f"/reports?institution={portfolio.a.id}").get_data(as_text=True)
    assert f'src="/reports/chart/submissions.svg?institution={portfolio.a.id}"' in page
    assert client.get("/reports/chart/submissions.svg?institution=abc").status_code == 400
    assert client.get("/reports/chart/time.svg").status_code == 404


def test_people_who_do_not_read_reports_get_no_chart(client, factory, portfolio):
    _as(client, portfolio.pi)
    assert client.get("/reports/chart/submissions.svg").status_code == 404


def test_suppressed_values_become_gaps_and_text_is_escaped():
    table = Table("outcomes", "Decisions <&>", ("Outcome", "Decisions", "Share"),
                  [("<b>x</b>", "<5", "—"), ("Approved", "7", "70%")])
    labels, series = chart_series(table)
    assert labels == ["<b>x</b>", "Approved"] and series == [("Decisions", [None, 7])]
    svg = chart_svg(table)
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg and _drawn(svg) == ["7"]


def test_the_chart_statement_count_does_not_grow_with_the_portfolio(client, portfolio):
    _as(client, portfolio.coordinator)
    few = statements_for(client, "/reports/chart/submissions.svg")
    build_portfolio(portfolio_cases(portfolio.a.id, portfolio.b.id) * 6, pi_id=portfolio.pi.id,
                    coordinator_id=portfolio.coordinator.id)
    db.session.commit()
    assert statements_for(client, "/reports/chart/submissions.svg") == few
