"""The report as the page (and later its exports) shows it: every measure computed (reports.queries), then every
count turned into what this reader may see (small cells suppressed for a cross-institution reader).

Captions, headings and the few labels in cells are English, marked with N_: the page translates them (the
`translated` filter), the CSV and the charts take the English as it is here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from portal.auth.models import User
from portal.decisions.rules import OUTCOME_LABELS
from portal.i18n.marks import N_
from portal.reports import queries
from portal.reports.permissions import ReportScope
from portal.reports.rules import ReportFilters, shown_count, shown_days, shown_share

Row = tuple[str, ...]
# Who owes a condition, as the conditions table names them.
OWNER_LABELS = {"investigator": N_("Investigator"), "coordinator": N_("Coordinator")}
DUAL_USE_LABELS = {True: N_("yes"), False: N_("no")}
# A screening's severity as the screenings table shows it (the criteria model's lower-case names).
SEVERITY_LABELS = {"none": N_("none"), "info": N_("info"), "low": N_("low"), "medium": N_("medium"), "high": N_("high"),
                   "prohibited": N_("prohibited")}


@dataclass(frozen=True)
class Table:
    """One measure: a caption (what it counts, for screen readers too), column headings and rows of text.

    `message` is the caption's msgid, with `values` for its placeholders; `labels` are the columns whose cells are
    portal labels (translated where shown) rather than data or figures."""

    key: str
    message: str
    headings: Row
    rows: list[Row] = field(default_factory=list)
    empty: str = N_("Nothing matches the filters.")
    values: Mapping[str, str] = field(default_factory=dict)
    labels: tuple[int, ...] = ()

    @property
    def caption(self) -> str:
        """The caption in English, its placeholders filled in."""
        return self.message % self.values if self.values else self.message

    def in_language(self, translate: Callable[[str], str]) -> Table:
        """This table with its caption, headings and label cells passed through `translate` (for a chart)."""
        rows = [tuple(translate(cell) if i in self.labels else cell for i, cell in enumerate(row)) for row in self.rows]
        return replace(self, message=translate(self.message), headings=tuple(translate(h) for h in self.headings),
                       rows=rows, empty=translate(self.empty))


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
    return Table("submissions", N_("Submissions per institution in the period"),
                 (N_("Institution"), N_("New proposals submitted"), N_("Versions submitted (with resubmissions)")),
                 [(name, count(first), count(total)) for name, first, total in rows])


def _screenings(scope: ReportScope, wanted: ReportFilters, count: Counter) -> Table:
    rows = queries.screening_outcomes(scope, wanted)
    return Table("screenings", N_("Screening outcomes per criteria set (every screened version)"),
                 (N_("Criteria set"), N_("Provisional outcome"), N_("Severity"), N_("Screenings")),
                 [(set_id, outcome, SEVERITY_LABELS.get(severity, severity), count(n))
                  for set_id, outcome, severity, n in rows],
                 labels=(2,))


def _by_outcome(scope: ReportScope, wanted: ReportFilters, count: Counter) -> Table:
    rows = queries.decisions_by_outcome(scope, wanted)
    return Table("outcomes", N_("Decisions by outcome (the current decision of each proposal)"),
                 (N_("Outcome"), N_("Decisions")),
                 [(OUTCOME_LABELS.get(outcome, outcome), count(n)) for outcome, n in rows], labels=(0,))


def _by_determination(scope: ReportScope, wanted: ReportFilters, count: Counter) -> Table:
    rows = queries.decisions_by_determination(scope, wanted)
    return Table("determinations", N_("Decisions by determination, per criteria set"),
                 (N_("Criteria set"), N_("Determination"), N_("Dual use"), N_("Decisions")),
                 [(set_id, title, DUAL_USE_LABELS[bool(dual)], count(n)) for set_id, _id, title, dual, n in rows],
                 labels=(2,))


def _time(scope: ReportScope, wanted: ReportFilters, threshold: int, suppress: bool) -> Table:
    result = queries.time_to_decision(scope, wanted)
    rows = [] if result.count == 0 else [(
        shown_count(result.count, threshold, suppress),
        shown_days(result.median_seconds, result.count, threshold, suppress),
        shown_days(result.p90_seconds, result.count, threshold, suppress))]
    return Table("time", N_("Days from first submission to the first decision"),
                 (N_("Decisions"), N_("Median"), N_("90th percentile")), rows)


def _concordance(scope: ReportScope, wanted: ReportFilters, count: Counter, threshold: int, suppress: bool) -> Table:
    rows = queries.concordance(scope, wanted)
    return Table("concordance", N_("Concordance of the screen and the committee, per criteria set"),
                 (N_("Criteria set"), N_("Determinations compared"), N_("Screen and committee agree"), N_("Disagree"),
                  N_("Agreement")),
                 [(title or set_id, count(total), count(agree), count(total - agree),
                   shown_share(agree, total, threshold, suppress)) for set_id, title, total, agree in rows])


def _clocks(scope: ReportScope, wanted: ReportFilters, today: date, count: Counter) -> Table:
    rows = queries.clocks_due(scope, wanted, today)
    return Table("clocks", N_("Regulatory clocks still running on %(date)s"),
                 (N_("Clock"), N_("Running"), N_("Due within 14 days"), N_("Overdue")),
                 [(title, count(running), count(soon), count(late)) for _kind, title, running, soon, late in rows],
                 empty=N_("No clock is running."), values={"date": today.isoformat()})


def _conditions(scope: ReportScope, wanted: ReportFilters, today: date, count: Counter) -> Table:
    rows = queries.open_conditions(scope, wanted, today)
    return Table("conditions", N_("Conditions of risk mitigation plans not yet verified, by who owes them"),
                 (N_("Owed by"), N_("Open, not yet due"), N_("Overdue"), N_("Evidence awaiting review")),
                 [(OWNER_LABELS.get(owner, owner.capitalize()), count(a), count(b), count(c))
                  for owner, a, b, c in rows],
                 empty=N_("No condition is open."), labels=(0,))
