"""The report as the page (and later its exports) shows it: every measure computed (reports.queries), then every
count turned into what this reader may see (small cells suppressed for a cross-institution reader)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from portal.auth.models import User
from portal.decisions.rules import OUTCOME_LABELS
from portal.reports import queries
from portal.reports.permissions import ReportScope
from portal.reports.rules import ReportFilters, shown_count, shown_days, shown_share

Row = tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One measure: a caption (what it counts, for screen readers too), column headings and rows of text."""

    key: str
    caption: str
    headings: Row
    rows: list[Row] = field(default_factory=list)
    empty: str = "Nothing matches the filters."


@dataclass(frozen=True)
class Report:
    scope: ReportScope
    threshold: int
    tables: list[Table]
    discordant: list[tuple] | None  # None: this reader does not see cases


def build_report(user: User, scope: ReportScope, wanted: ReportFilters, today: date, threshold: int) -> Report:
    suppress = scope.cross_institution

    def count(n: int) -> str:
        return shown_count(n, threshold, suppress)

    tables = [_submissions(scope, wanted, count), _screenings(scope, wanted, count),
              _by_outcome(scope, wanted, count), _by_determination(scope, wanted, count),
              _time(scope, wanted, threshold, suppress), _concordance(scope, wanted, count, threshold, suppress),
              _clocks(scope, wanted, today, count), _conditions(scope, wanted, today, count)]
    cases = queries.discordant_cases(user, scope, wanted) if scope.lists_cases else None
    return Report(scope, threshold, tables, cases)


Counter = Callable[[int], str]


def _submissions(scope: ReportScope, wanted: ReportFilters, count: Counter) -> Table:
    rows = queries.submissions(scope, wanted)
    return Table("submissions", "Submissions per institution in the period",
                 ("Institution", "New proposals submitted", "Versions submitted (with resubmissions)"),
                 [(name, count(first), count(total)) for name, first, total in rows])


def _screenings(scope: ReportScope, wanted: ReportFilters, count: Counter) -> Table:
    rows = queries.screening_outcomes(scope, wanted)
    return Table("screenings", "Screening outcomes per criteria set (every screened version)",
                 ("Criteria set", "Provisional outcome", "Severity", "Screenings"),
                 [(set_id, outcome, severity, count(n)) for set_id, outcome, severity, n in rows])


def _by_outcome(scope: ReportScope, wanted: ReportFilters, count: Counter) -> Table:
    rows = queries.decisions_by_outcome(scope, wanted)
    return Table("outcomes", "Decisions by outcome (the current decision of each proposal)", ("Outcome", "Decisions"),
                 [(OUTCOME_LABELS.get(outcome, outcome), count(n)) for outcome, n in rows])


def _by_determination(scope: ReportScope, wanted: ReportFilters, count: Counter) -> Table:
    rows = queries.decisions_by_determination(scope, wanted)
    return Table("determinations", "Decisions by determination, per criteria set",
                 ("Criteria set", "Determination", "Dual use", "Decisions"),
                 [(set_id, title, "yes" if dual else "no", count(n)) for set_id, _id, title, dual, n in rows])


def _time(scope: ReportScope, wanted: ReportFilters, threshold: int, suppress: bool) -> Table:
    result = queries.time_to_decision(scope, wanted)
    rows = [] if result.count == 0 else [(
        shown_count(result.count, threshold, suppress),
        shown_days(result.median_seconds, result.count, threshold, suppress),
        shown_days(result.p90_seconds, result.count, threshold, suppress))]
    return Table("time", "Days from first submission to the first decision",
                 ("Decisions", "Median", "90th percentile"), rows)


def _concordance(scope: ReportScope, wanted: ReportFilters, count: Counter, threshold: int, suppress: bool) -> Table:
    rows = queries.concordance(scope, wanted)
    return Table("concordance", "Concordance of the screen and the committee, per criteria set",
                 ("Criteria set", "Determinations compared", "Screen and committee agree", "Disagree", "Agreement"),
                 [(title or set_id, count(total), count(agree), count(total - agree),
                   shown_share(agree, total, threshold, suppress)) for set_id, title, total, agree in rows])


def _clocks(scope: ReportScope, wanted: ReportFilters, today: date, count: Counter) -> Table:
    rows = queries.clocks_due(scope, wanted, today)
    return Table("clocks", f"Regulatory clocks still running on {today.isoformat()}",
                 ("Clock", "Running", "Due within 14 days", "Overdue"),
                 [(title, count(running), count(soon), count(late)) for _kind, title, running, soon, late in rows],
                 empty="No clock is running.")


def _conditions(scope: ReportScope, wanted: ReportFilters, today: date, count: Counter) -> Table:
    rows = queries.open_conditions(scope, wanted, today)
    return Table("conditions", "Conditions of risk mitigation plans not yet verified, by who owes them",
                 ("Owed by", "Open, not yet due", "Overdue", "Evidence awaiting review"),
                 [(owner.capitalize(), count(a), count(b), count(c)) for owner, a, b, c in rows],
                 empty="No condition is open.")
