"""The governance report page, /reports: filters (GET), then every measure as a captioned table.

For coordinators and governance users (reports.permissions); anyone else gets the same 404 as a missing page.
The page runs a constant number of statements: the filter choices (one), each measure (one each) and, for a
coordinator, the discordant cases (one). Some measures are also drawn as SVG charts (reports.charts), each served
by /reports/chart/<measure>.svg under the same filters, scope and suppression; the tables stay the accessible form.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.clock import utcnow
from portal.errors import PortalError
from portal.records import service as records
from portal.reports.charts import CHART_MEASURES, chart_svg, chart_table
from portal.reports.export import report_csv
from portal.reports.forms import ReportFilterForm
from portal.reports.permissions import can_read_reports, report_scope
from portal.reports.queries import filter_choices
from portal.reports.report import Report, build_report
from portal.reports.rules import DEFAULT_SMALL_CELL
from portal.screenings.registry import all_sets

bp = Blueprint("reports", __name__)


def _report() -> tuple[ReportFilterForm, Report]:
    """The reader's report under the filters in the query string (none, if any is refused)."""
    user = current_user._get_current_object()
    if not can_read_reports(user):
        abort(404)
    scope = report_scope(user)
    institutions, committees = filter_choices(scope)
    form = ReportFilterForm(request.args, institutions=institutions, committees=committees, sets=all_sets())
    form.validate()
    threshold = int(current_app.config.get("REPORT_SMALL_CELL", DEFAULT_SMALL_CELL))
    return form, build_report(user, scope, form.filters(), utcnow().date(), threshold)


def _query(form: ReportFilterForm) -> dict[str, str]:
    """The filters as entered, for the download links: the form's own fields only (never url_for's options)."""
    return {name: value for name, value in request.args.items() if name in form._fields and value}


def _page(form: ReportFilterForm, report: Report):  # noqa: ANN202
    problems = form.problems()
    return render_template("reports/report.html", form=form, report=report, problems=problems,
                           filtered=form.filters().active, query=_query(form),
                           charted=CHART_MEASURES), 400 if problems else 200


@bp.route("/reports")
@login_required
def report_page():  # noqa: ANN201
    return _page(*_report())


@bp.route("/reports/report.csv")
@login_required
def report_csv_download():  # noqa: ANN201
    form, report = _report()
    if form.errors:  # the page says what is wrong; a file of unfiltered figures would mislead
        return _page(form, report)
    name = f"governance-report-{utcnow().date().isoformat()}.csv"
    return Response(report_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route(f"/reports/chart/<any({', '.join(CHART_MEASURES)}):measure>.svg")
@login_required
def report_chart(measure: str):  # noqa: ANN201
    form, report = _report()
    if form.errors:
        abort(400)
    table = chart_table(report, measure)
    if table is None:
        abort(404)
    return Response(chart_svg(table), mimetype="image/svg+xml")


@bp.route("/reports/report.pdf")
@login_required
def report_pdf_download():  # noqa: ANN201
    """The page's tables and charts as a PDF, through the records' locked-down renderer (portal.records)."""
    form, report = _report()
    if form.errors:
        return _page(form, report)
    reason = records.rendering_unavailable_reason()
    if reason:
        flash(_("The PDF cannot be made on this server: %(reason)s The CSV is available.", reason=reason), "error")
        return redirect(url_for("reports.report_page", **_query(form)))
    today = utcnow().date().isoformat()
    charts = {f"chart-{t.key}.svg": chart_svg(t).encode() for t in report.tables if t.key in CHART_MEASURES and t.rows}
    html = render_template("reports/report_pdf.html", report=report, charts=charts, today=today,
                           filters=form.described())
    try:
        pdf = records.render_page(html, "governance report", charts)
    except records.RenderUnavailable as problem:  # e.g. Chinese text and no CJK font: the reason names the package
        current_app.logger.error("governance report not rendered: %s", problem)
        flash(_("The PDF cannot be made on this server: %(reason)s The CSV is available.", reason=problem), "error")
        return redirect(url_for("reports.report_page", **_query(form)))
    except PortalError as problem:
        current_app.logger.error("governance report not rendered: %s", problem)
        flash(_("The PDF could not be made just now. Try again in a moment."), "error")
        return redirect(url_for("reports.report_page", **_query(form)))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="governance-report-{today}.pdf"'})
