"""The governance report over the API: the page's and the CSV's figures for the same reader and filters, "<5"
kept for a cross-institution reader, the page's filters refused the way the page refuses them, and the page's
readers only."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from portal.auth.api_tokens import Scope
from tests.api.conftest import as_user, bearer, problem, token_for
from tests.api.schema_keys import assert_fits_its_schema
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.reports.conftest import portfolio  # noqa: F401 - the fixture

DISCORDANT = "Cases where the screen and the committee disagree"


def _csv(app, user, query: dict) -> list[tuple[str, ...]]:  # noqa: ANN001
    browser = app.test_client()
    sign_in(browser, user.email, PASSWORD)
    response = browser.get("/reports/report.csv?" + urlencode(query))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [tuple(row) for row in csv.reader(io.StringIO(response.get_data(as_text=True)))][1:]


def _report(api, user, query: dict) -> dict:  # noqa: ANN001
    response = api.get("/api/v1/reports/governance?" + urlencode(query), headers=as_user(user))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_fits_its_schema(api, response, "/api/v1/reports/governance")
    return response.get_json()


def _as_csv_rows(report: dict) -> list[tuple[str, ...]]:
    rows = [(m["caption"], row["label"], column, value)
            for m in report["measures"] for row in m["rows"]
            for column, value in zip(m["columns"], row["values"], strict=True)]
    for case in report["discordant_cases"] or ():
        label = f"{case['title']} (proposal {case['proposal_id']})"
        rows += [(DISCORDANT, label, heading, case[key]) for heading, key in
                 (("Criteria set", "criteria_set"), ("Screen", "screen"), ("Determination", "determination"))]
    return rows


def test_a_coordinators_report_is_the_pages_csv(app, api, portfolio) -> None:  # noqa: ANN001, F811
    for query in ({}, {"outcome": "not_approved"}, {"institution": portfolio.a.id, "since": "2000-01-01"}):
        report = _report(api, portfolio.coordinator, query)
        assert _as_csv_rows(report) == _csv(app, portfolio.coordinator, query), query
    report = _report(api, portfolio.coordinator, {})
    assert report["institution_ids"] == [portfolio.a.id] and not report["cross_institution"]
    [submissions] = [m for m in report["measures"] if m["key"] == "submissions"]
    assert submissions["rows"] == [{"label": portfolio.a.short_name, "values": ["6", "7"]}]
    assert {c["proposal_id"] for c in report["discordant_cases"]} == {portfolio.built.proposal_ids[1],
                                                                       portfolio.built.proposal_ids[3]}
    assert _report(api, portfolio.coordinator, {"outcome": "not_approved"})["filtered"] is True


def test_a_cross_institution_reader_gets_suppressed_cells_and_no_case(app, api, portfolio) -> None:  # noqa: ANN001, F811
    report = _report(api, portfolio.cross, {})
    assert _as_csv_rows(report) == _csv(app, portfolio.cross, {})
    assert report["cross_institution"] and report["institution_ids"] == sorted([portfolio.a.id, portfolio.b.id])
    assert report["discordant_cases"] is None and report["small_cell_threshold"] == 5
    [submissions] = [m for m in report["measures"] if m["key"] == "submissions"]
    assert {"label": portfolio.b.short_name, "values": ["<5", "<5"]} in submissions["rows"]
    assert not any("Fictional" in str(m) for m in report["measures"])


def test_the_pages_filters_are_refused_by_name(api, portfolio) -> None:  # noqa: ANN001, F811
    headers = as_user(portfolio.coordinator)

    def fields(query: str) -> set[str]:
        body = problem(api.get("/api/v1/reports/governance?" + query, headers=headers), 422)
        return {e["field"] for e in body["errors"]}

    assert fields("period=year&outcome=maybe") == {"query.period", "query.outcome"}
    assert fields(f"institution={portfolio.b.id}") == {"query.institution"}  # not an institution they read
    assert fields("criteria_set=no-such-set") == {"query.criteria_set"}
    assert fields("since=2026-02-01&until=2026-01-01") == {"query.until"}
    assert fields("since=yesterday&until=0") == {"query.since", "query.until"}  # a day is YYYY-MM-DD


def test_only_the_pages_readers_get_a_report(api, portfolio) -> None:  # noqa: ANN001, F811
    body = problem(api.get("/api/v1/reports/governance", headers=as_user(portfolio.pi)), 404)
    assert "coordinators and governance" in body["detail"]
    no_scope = bearer(token_for(portfolio.governance, [Scope.DECISIONS_READ]))
    assert "reports:read" in problem(api.get("/api/v1/reports/governance", headers=no_scope), 403)["detail"]
    report = _report(api, portfolio.governance, {})
    assert report["discordant_cases"] is None and not report["cross_institution"]
