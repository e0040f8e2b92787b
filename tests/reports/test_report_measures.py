"""Each measure of the report against the hand-counted portfolio (tests/reports/conftest.py), on both back ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.clock import utcnow
from portal.reports import queries
from portal.reports.permissions import report_scope
from portal.reports.rules import ReportFilters

DAY = 86400
EVERYTHING = ReportFilters()


def test_submissions_count_first_submissions_and_every_version_per_institution(portfolio):
    assert queries.submissions(report_scope(portfolio.coordinator), EVERYTHING) == [(portfolio.a.short_name, 6, 7)]
    across = queries.submissions(report_scope(portfolio.cross), EVERYTHING)
    assert sorted(across) == sorted([(portfolio.a.short_name, 6, 7), (portfolio.b.short_name, 2, 2)])


def test_screening_outcomes_per_set(portfolio):
    rows = queries.screening_outcomes(report_scope(portfolio.coordinator), EVERYTHING)
    assert {(outcome, count) for _set, outcome, _severity, count in rows} == {
        ("refer_ire_cat1", 2), ("refer_ire_cat2", 2), ("out_of_scope_pi_attested", 2), ("coordinator_check", 1)}
    assert {s for s, *_ in rows} == {"usg-durc-pepp-2024"}


def test_decisions_by_outcome_count_the_current_decision_only(portfolio):
    rows = dict(queries.decisions_by_outcome(report_scope(portfolio.coordinator), EVERYTHING))
    assert rows == {"approved": 2, "approved_with_conditions": 1, "not_approved": 1}  # P2's first is superseded
    across = dict(queries.decisions_by_outcome(report_scope(portfolio.cross), EVERYTHING))
    assert across == {"approved": 3, "approved_with_conditions": 2, "not_approved": 1}


def test_decisions_by_determination(portfolio):
    rows = queries.decisions_by_determination(report_scope(portfolio.coordinator), EVERYTHING)
    assert {(d, count) for _set, d, _title, _dual, count in rows} == {
        ("category_1", 1), ("category_2", 1), ("not_in_scope", 2)}
    assert {d: dual for _set, d, _title, dual, _count in rows} == {"category_1": 1, "category_2": 1, "not_in_scope": 0}


def test_time_to_decision_median_and_90th_percentile(portfolio):
    # A: first decisions after 10, 20, 30 and 40 days: median (20 + 30) / 2, 90th percentile rank ceil(3.6) = 4.
    mine = queries.time_to_decision(report_scope(portfolio.coordinator), EVERYTHING)
    assert mine.count == 4
    assert mine.median_seconds == pytest.approx(25 * DAY, abs=1)
    assert mine.p90_seconds == pytest.approx(40 * DAY, abs=1)
    # A and B: 10 … 60 days; median (30 + 40) / 2, rank ceil(5.4) = 6.
    across = queries.time_to_decision(report_scope(portfolio.cross), EVERYTHING)
    assert (across.count, across.median_seconds, across.p90_seconds) == (6, pytest.approx(35 * DAY, abs=1),
                                                                          pytest.approx(60 * DAY, abs=1))


def test_time_to_decision_with_no_decisions(portfolio):
    nothing = queries.time_to_decision(report_scope(portfolio.coordinator), ReportFilters(outcome="prohibited"))
    assert (nothing.count, nothing.median_seconds, nothing.p90_seconds) == (0, None, None)


def test_concordance_per_set_and_the_discordant_cases(portfolio):
    scope = report_scope(portfolio.coordinator)
    [(set_id, _title, compared, agree)] = queries.concordance(scope, EVERYTHING)
    assert (set_id, compared, agree) == ("usg-durc-pepp-2024", 4, 2)  # P1 and P3 agree; P2 and P4 do not
    cases = queries.discordant_cases(portfolio.coordinator, scope, EVERYTHING)
    assert [title[:2] for _id, title, *_ in cases] == ["P2", "P4"]
    assert [(provisional[:5], determination) for *_, provisional, determination in cases] == [
        ("Refer", "Not in scope"), ("The c", "Category 2 research")]
    [(_, _, compared, agree)] = queries.concordance(report_scope(portfolio.cross), EVERYTHING)
    assert (compared, agree) == (6, 4)


def test_clocks_due_and_overdue(portfolio):
    today = utcnow().date()
    rows = {kind: counts for kind, _title, *counts in queries.clocks_due(report_scope(portfolio.coordinator),
                                                                          EVERYTHING, today)}
    # P1's met clock and P2's superseded one are not counted.
    assert rows == {"notify_funding_agency": [1, 0, 1], "submit_draft_rmp": [1, 1, 0], "progress_report": [1, 0, 0]}
    across_rows = queries.clocks_due(report_scope(portfolio.cross), EVERYTHING, today)
    across = {kind: counts for kind, _t, *counts in across_rows}
    assert across["notify_funding_agency"] == [2, 0, 2]


def test_open_conditions(portfolio):
    rows = queries.open_conditions(report_scope(portfolio.coordinator), EVERYTHING, utcnow().date())
    assert rows == [("coordinator", 0, 0, 1), ("investigator", 0, 1, 0)]  # the verified one is done


def test_filters_narrow_the_measures(portfolio):
    scope = report_scope(portfolio.cross)
    only_b = ReportFilters(institution_id=portfolio.b.id)
    assert queries.submissions(scope, only_b) == [(portfolio.b.short_name, 2, 2)]
    assert dict(queries.decisions_by_outcome(scope, only_b)) == {"approved": 1, "approved_with_conditions": 1}
    category_1 = ReportFilters(determination="category_1")
    assert dict(queries.decisions_by_outcome(scope, category_1)) == {"approved_with_conditions": 2}
    assert queries.time_to_decision(scope, category_1).count == 3  # P2's first decision was Category 1 too
    approved = ReportFilters(outcome="approved")
    assert [(d, n) for _s, d, _t, _u, n in queries.decisions_by_determination(scope, approved)] == [("not_in_scope", 3)]
    committee_a = ReportFilters(committee_id=portfolio.built.committee_ids[portfolio.a.id])
    assert dict(queries.decisions_by_outcome(scope, committee_a)) == {  # P3 was decided administratively
        "approved": 1, "approved_with_conditions": 1, "not_approved": 1}
    assert queries.submissions(scope, committee_a) == [(portfolio.a.short_name, 5, 6)]


def test_the_period_is_the_date_of_what_each_measure_counts(portfolio):
    scope = report_scope(portfolio.cross)
    today = utcnow().date()
    recent = ReportFilters(since=today - timedelta(days=145), until=today)
    assert queries.submissions(scope, recent) == [(portfolio.b.short_name, 2, 2)]  # P6's second version: 149 days
    # Current decisions final in the last 145 days: P4 (130 days ago), Q1 (90) and Q2 (70).
    assert sum(n for _o, n in queries.decisions_by_outcome(scope, recent)) == 3
    old = ReportFilters(until=today - timedelta(days=168))
    assert dict(queries.decisions_by_outcome(scope, old)) == {"approved_with_conditions": 1}  # P1; P2's first is not
    assert queries.time_to_decision(scope, old).count == 2  # first decisions: P1 (190 days ago) and P2 (170)
