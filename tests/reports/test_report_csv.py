"""The report as CSV: the page's figures for this reader, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.institutions.models import Institution
from portal.proposals.models import Proposal
from portal.reports.rules import neutral_csv_cell
from tests.conftest import sign_in
from tests.factories import PASSWORD

PAYLOADS = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+1", "-2+3", "@SUM(1)", "\tTAB", "\rCR"]


def _rows(client, path: str = "/reports/report.csv") -> list[list[str]]:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="governance-report-')
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("value", PAYLOADS)
def test_a_cell_that_would_start_a_formula_is_neutralised(value):
    assert neutral_csv_cell(value) == "'" + value
    assert neutral_csv_cell("Plain text = fine") == "Plain text = fine" and neutral_csv_cell(7) == "7"


def test_the_csv_carries_the_page_figures_and_neutralises_every_payload(client, portfolio):
    p2, p4 = portfolio.built.proposal_ids[1], portfolio.built.proposal_ids[3]
    db.session.execute(update(Proposal).where(Proposal.id == p2).values(title=PAYLOADS[0]))
    db.session.execute(update(Proposal).where(Proposal.id == p4).values(title=PAYLOADS[3]))
    db.session.execute(update(Institution).where(Institution.id == portfolio.a.id).values(short_name="-NF"))
    db.session.commit()
    sign_in(client, portfolio.coordinator.email, PASSWORD)
    rows = _rows(client)
    assert rows[0] == ["Measure", "Row", "Column", "Value"]
    assert ["Submissions per institution in the period", "'-NF", "New proposals submitted", "6"] in rows
    titles = {row[1] for row in rows if row[0].startswith("Cases where")}
    assert titles == {f"'{PAYLOADS[0]} (proposal {p2})", f"'{PAYLOADS[3]} (proposal {p4})"}
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_a_cross_institution_readers_csv_is_suppressed_and_lists_no_case(app, portfolio):
    client = app.test_client()
    sign_in(client, portfolio.cross.email, PASSWORD)
    rows = _rows(client)
    b = [row for row in rows if row[1] == portfolio.b.short_name]
    assert [row[3] for row in b] == ["<5", "<5"]
    assert not [row for row in rows if row[0].startswith("Cases where")]
    assert not any("Fictional" in cell for row in rows for cell in row)


def test_the_csv_follows_the_filters_and_refuses_bad_ones(client, portfolio):
    sign_in(client, portfolio.coordinator.email, PASSWORD)
    rows = _rows(client, "/reports/report.csv?outcome=approved")
    outcomes = [row for row in rows if row[0].startswith("Decisions by outcome")]
    assert outcomes == [["Decisions by outcome (the current decision of each proposal)", "Approved", "Decisions", "2"]]
    refused = client.get("/reports/report.csv?since=yesterday")
    assert refused.status_code == 400 and "From: Not a valid date value." in refused.get_data(as_text=True)
    assert 'href="/reports/report.csv?outcome=approved"' in client.get("/reports?outcome=approved").get_data(
        as_text=True)
