"""A final decision's record: the signed envelope as JSON, and the PDF/A-3b file that embeds the same JSON.
For the committee, coordinators and governance; the investigators read the decision on its page."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.decisions import permissions as can
from portal.decisions.record import build_record
from portal.decisions.views import bp, load_decision
from portal.errors import PortalError
from portal.records import service
from portal.records.shape import RecordShapeError


def _readable(decision_id: int):  # noqa: ANN202
    decision = load_decision(decision_id)
    if not can.can_read_record(current_user, decision):
        abort(403 if decision.final else 404)  # before it is final there is no record to have
    return decision


@bp.route("/decisions/<int:decision_id>/record.json")
@login_required
def record_json(decision_id: int) -> Response:
    envelope = service.sign(build_record(_readable(decision_id)))
    response = Response(json.dumps(envelope, ensure_ascii=False, indent=2, sort_keys=True),
                        mimetype="application/json")
    response.headers["Content-Disposition"] = f"inline; filename={envelope['record']['record_id']}.json"
    return response


@bp.route("/decisions/<int:decision_id>/record.pdf")
@login_required
def record_pdf(decision_id: int):  # noqa: ANN201
    decision = _readable(decision_id)
    reason = service.rendering_unavailable_reason()
    if reason:
        flash(_("The PDF cannot be made on this server: %(reason)s The signed record.json is available.",
                reason=reason), "error")
        return redirect(url_for("decisions.detail", decision_id=decision.id))
    try:
        signed = service.sign_and_render(build_record(decision))
    except service.RenderUnavailable as problem:  # e.g. Chinese text and no CJK font: the reason names the package
        current_app.logger.error("record %s not rendered: %s", decision.id, problem)
        flash(_("The PDF cannot be made on this server: %(reason)s The signed record.json is available.",
                reason=problem), "error")
        return redirect(url_for("decisions.detail", decision_id=decision.id))
    except (RecordShapeError, PortalError) as problem:
        current_app.logger.error("record %s not rendered: %s", decision.id, problem)
        flash(_("The PDF could not be made just now; nothing was lost. Try again in a moment."), "error")
        return redirect(url_for("decisions.detail", decision_id=decision.id))
    response = Response(signed.pdf, mimetype="application/pdf")
    name = signed.envelope["record"]["record_id"]
    response.headers["Content-Disposition"] = f"attachment; filename={name}.pdf"
    response.headers["Cache-Control"] = "no-store"
    return response
