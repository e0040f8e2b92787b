"""The governance report over the API: the page's report for the caller (reports.permissions decides who reads it
and across which institutions), built by the same code as the page, the CSV and the PDF."""

from __future__ import annotations

from flask import current_app
from werkzeug.datastructures import MultiDict

from portal.api.problems import ApiProblem
from portal.api.report_schemas import DiscordantCase, GovernanceReport, ReportMeasure, ReportQuery, ReportRow
from portal.api.spec import operation
from portal.auth.api_tokens import Scope
from portal.auth.models import User
from portal.clock import utcnow
from portal.reports.forms import ReportFilterForm
from portal.reports.permissions import can_read_reports, report_scope
from portal.reports.queries import filter_choices
from portal.reports.report import Report, build_report
from portal.reports.rules import DEFAULT_SMALL_CELL
from portal.screenings.registry import all_sets


def _form(user: User, query: ReportQuery) -> ReportFilterForm:
    """The page's filter form over the query: it refuses what the page refuses (an institution or committee the
    reader does not read, a set or determination that does not exist, a period that ends before it starts)."""
    institutions, committees = filter_choices(report_scope(user))
    given = {name: value.isoformat() if hasattr(value, "isoformat") else str(value)
             for name, value in query.model_dump(exclude_none=True).items()}
    form = ReportFilterForm(MultiDict(given), institutions=institutions, committees=committees, sets=all_sets())
    if not form.validate():
        raise ApiProblem(422, "Some filters are not ones you can use; nothing was reported.",
                         [(f"query.{name}", message) for name, messages in form.errors.items()
                          for message in messages])
    return form


def _response(report: Report, filtered: bool) -> GovernanceReport:
    return GovernanceReport(
        institution_ids=list(report.scope.institution_ids), cross_institution=report.scope.cross_institution,
        small_cell_threshold=report.threshold, filtered=filtered,
        measures=[ReportMeasure(key=t.key, caption=t.caption, row_heading=t.headings[0], columns=list(t.headings[1:]),
                                rows=[ReportRow(label=row[0], values=list(row[1:])) for row in t.rows], empty=t.empty)
                  for t in report.tables],
        discordant_cases=None if report.discordant is None else [
            DiscordantCase(proposal_id=p, title=title, criteria_set=s, screen=screen, determination=determination)
            for p, title, s, screen, determination in report.discordant],
    )


@operation("/reports/governance", summary="Read the governance report", tag="Reports", scope=Scope.REPORTS_READ,
           response=GovernanceReport, query=ReportQuery, problems=(404,))
def governance_report(user: User, *, query: ReportQuery) -> GovernanceReport:
    """The Reports page's measures for you, under the page's filters: your institution's figures (a coordinator
    also sees the cases where screen and committee disagree), or, for a governance user given several
    institutions, aggregates across them with small counts suppressed. Like the page, 404 for anyone who does not
    read reports (coordinators and governance users do)."""
    if not can_read_reports(user):
        raise ApiProblem(404, "There is no report for you here: reports are for coordinators and governance users.")
    form = _form(user, query)
    threshold = int(current_app.config.get("REPORT_SMALL_CELL", DEFAULT_SMALL_CELL))
    report = build_report(user, report_scope(user), form.filters(), utcnow().date(), threshold)
    return _response(report, form.filters().active)
