"""The report page: who reaches it, what each reader sees, small cells, bad filters, and a constant statement count."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.auth.roles import Role
from portal.decisions.models import Decision
from portal.extensions import db
from tests.api.conftest import bearer, token_for
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.reports.conftest import portfolio_cases
from tests.reports.portfolio import build_portfolio
from tests.statements import statements_for

TITLES = re.compile(r"\b[PQ][1-6] Fictional")


def _as(client, user):  # noqa: ANN001, ANN202
    sign_in(client, user.email, PASSWORD)
    return client


def _row(page: str, heading: str) -> list[str]:
    """The cells of the table row whose header cell is `heading`."""
    match = re.search(rf"<th scope=\"row\">{re.escape(heading)}</th>(.*?)</tr>", page, re.S)
    assert match, f"no row {heading!r}"
    return re.findall(r"<td>(.*?)</td>", match.group(1))


def test_a_coordinator_sees_their_institution_and_the_discordant_cases(client, portfolio):
    page = _as(client, portfolio.coordinator).get("/reports").get_data(as_text=True)
    assert "Aggregates for your institution" in page
    assert _row(page, portfolio.a.short_name) == ["6", "7"]
    assert f'<th scope="row">{portfolio.b.short_name}</th>' not in page
    assert _row(page, "Approved") == ["2"]
    assert _row(page, "US policy for oversight of DURC and PEPP (2024)") == ["4", "2", "2", "50%"]
    cases = page[page.index('id="discordant"'):]
    assert "P2 Fictional review of training records" in cases and "P4 Fictional governance workshop" in cases
    assert "P1 Fictional" not in cases


def test_a_cross_institution_reader_sees_aggregates_with_small_cells_suppressed(client, portfolio):
    page = _as(client, portfolio.cross).get("/reports").get_data(as_text=True)
    assert "Aggregates across 2 institutions" in page and "Counts below 5 show as" in page
    assert _row(page, portfolio.a.short_name) == ["6", "7"]
    assert _row(page, portfolio.b.short_name) == ["&lt;5", "&lt;5"]
    assert _row(page, "Approved") == ["&lt;5"]  # 3 decisions
    assert _row(page, "6") == ["35.0", "60.0"]  # time to decision: six decisions, median and 90th percentile
    assert _row(page, "US policy for oversight of DURC and PEPP (2024)") == ["6", "&lt;5", "&lt;5", "—"]
    assert 'id="discordant"' not in page
    assert not TITLES.search(page), "a cross-institution reader saw a proposal's title"


@pytest.mark.parametrize("threshold", [2])
def test_the_threshold_is_configurable(app, client, portfolio, threshold):
    app.config["REPORT_SMALL_CELL"] = threshold
    page = _as(client, portfolio.cross).get("/reports").get_data(as_text=True)
    assert _row(page, portfolio.b.short_name) == ["2", "2"]
    assert _row(page, "Not approved") == ["&lt;2"]


def test_a_cross_institution_reader_reaches_no_proposal_or_decision(app, client, portfolio):
    proposal_id = portfolio.built.proposal_ids[0]
    decision_id = db.session.scalar(select(Decision.id).where(Decision.proposal_id == proposal_id))
    _as(client, portfolio.cross)
    ids = {"proposal_id": proposal_id, "decision_id": decision_id}
    reached = []
    api_headers = bearer(token_for(portfolio.cross))  # the JSON API with their own token: it reads no session
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not set(rule.arguments) & set(ids) or set(rule.arguments) - set(ids):
            continue
        path = rule.rule
        for name, value in ids.items():
            path = path.replace(f"<int:{name}>", str(value))
        status = client.get(path, headers=api_headers if path.startswith("/api/") else None).status_code
        if status != 404:
            reached.append((path, status))
    assert not reached, f"a cross-institution governance user reached {reached}"
    for listing in ("/dashboard", "/decisions", "/reports"):
        response = client.get(listing)
        assert not TITLES.search(response.get_data(as_text=True)), listing
    assert client.get("/decisions").status_code == 404


def test_the_same_governance_user_without_a_scope_reads_their_institutions_decisions(client, portfolio):
    decision_id = db.session.scalar(select(Decision.id).where(Decision.proposal_id == portfolio.built.proposal_ids[0]))
    _as(client, portfolio.governance)
    assert client.get(f"/decisions/{decision_id}").status_code == 200
    page = client.get("/reports").get_data(as_text=True)
    assert "Aggregates for your institution" in page and 'id="discordant"' not in page


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.REVIEWER, Role.CHAIR, Role.ADMIN])
def test_investigators_reviewers_chairs_and_admins_do_not_reach_the_report(app, client, factory, portfolio, role):
    person = factory.user(role, institution=portfolio.a)
    page = _as(client, person).get("/dashboard").get_data(as_text=True)
    assert 'href="/reports"' not in page
    assert client.get("/reports").status_code == 404
    coordinator_page = _as(app.test_client(), portfolio.coordinator).get("/dashboard").get_data(as_text=True)
    assert coordinator_page.count('href="/reports"') == 1


def test_filters_narrow_the_page(client, portfolio):
    _as(client, portfolio.cross)
    page = client.get(f"/reports?institution={portfolio.b.id}&outcome=approved").get_data(as_text=True)
    assert _row(page, portfolio.b.short_name) == ["&lt;5", "&lt;5"]
    assert f'<th scope="row">{portfolio.a.short_name}</th>' not in page
    assert "Clear the filters" in page


@pytest.mark.parametrize("query, message", [
    ("since=2026-13-45", "From: Not a valid date value."),
    ("since=2026-05-01&until=2026-01-01", "The end of the period is before its start."),
    ("institution=999999", "Institution: Not a valid choice."),
    ("institution=abc", "Institution: Not a valid choice."),
    ("criteria_set=%3Cscript%3E", "Criteria set: Not a valid choice."),
    ("outcome=maybe", "Decision outcome: Not a valid choice."),
])
def test_bad_filters_say_what_is_wrong_and_show_the_whole_report(client, portfolio, query, message):
    response = _as(client, portfolio.coordinator).get(f"/reports?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The filters were not applied" in page and message in page
    assert _row(page, portfolio.a.short_name) == ["6", "7"]
    assert "<script>" not in page


def test_another_institutions_id_is_refused_to_a_coordinator(client, portfolio):
    page = _as(client, portfolio.coordinator).get(f"/reports?institution={portfolio.b.id}").get_data(as_text=True)
    assert "Institution: Not a valid choice." in page
    assert f'<th scope="row">{portfolio.b.short_name}</th>' not in page and portfolio.b.name not in page


def test_an_empty_report_says_so(client, factory):
    coordinator = factory.user(Role.COORDINATOR)
    page = _as(client, coordinator).get("/reports").get_data(as_text=True)
    assert page.count("Nothing matches the filters.") >= 5
    assert "No clock is running." in page and "No condition is open." in page


def test_the_statement_count_does_not_grow_with_the_portfolio(client, portfolio):
    _as(client, portfolio.coordinator)
    few = statements_for(client, "/reports")
    build_portfolio(portfolio_cases(portfolio.a.id, portfolio.b.id) * 6, pi_id=portfolio.pi.id,
                    coordinator_id=portfolio.coordinator.id)
    db.session.commit()
    assert statements_for(client, "/reports") == few
