"""The governance report page, /reports: filters (GET), then every measure as a captioned table.

For coordinators and governance users (reports.permissions); anyone else gets the same 404 as a missing page.
The page runs a constant number of statements: the filter choices (one), each measure (one each) and, for a
coordinator, the discordant cases (one).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required

from portal.clock import utcnow
from portal.reports.forms import ReportFilterForm
from portal.reports.permissions import can_read_reports, report_scope
from portal.reports.queries import filter_choices
from portal.reports.report import build_report
from portal.reports.rules import DEFAULT_SMALL_CELL
from portal.screenings.registry import all_sets

bp = Blueprint("reports", __name__)


@bp.route("/reports")
@login_required
def report_page():  # noqa: ANN201
    user = current_user._get_current_object()
    if not can_read_reports(user):
        abort(404)
    scope = report_scope(user)
    institutions, committees = filter_choices(scope)
    form = ReportFilterForm(request.args, institutions=institutions, committees=committees, sets=all_sets())
    form.validate()
    threshold = int(current_app.config.get("REPORT_SMALL_CELL", DEFAULT_SMALL_CELL))
    report = build_report(user, scope, form.filters(), utcnow().date(), threshold)
    problems = form.problems()
    return render_template("reports/report.html", form=form, report=report, problems=problems,
                           filtered=form.filters().active), 400 if problems else 200
