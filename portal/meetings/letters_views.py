"""Publishing a meeting's agenda to its members, and the decision letters of the meeting: previewed as each team
member will receive them (in their language), then sent together. Routes on the meetings blueprint; load,
authorise, validate, one operation, commit, as views.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from portal.auth.forms import ConfirmForm
from portal.errors import PortalError
from portal.extensions import db
from portal.meetings import operations as ops
from portal.meetings.letters import decision_letters
from portal.meetings.permissions import can_manage_meeting
from portal.meetings.views import acting_user, bp, load_meeting, run


@bp.route("/<int:meeting_id>/agenda/publish", methods=["POST"])
@login_required
def publish_agenda(meeting_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id, can_manage_meeting)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run(meeting, lambda: ops.publish_agenda(meeting, actor=acting_user()),
               _("The agenda was sent to the committee's members."), "#agenda")


def _previews(meeting_id: int, status: int = 200):  # noqa: ANN202
    meeting = load_meeting(meeting_id, can_manage_meeting)
    decisions, withheld = decision_letters(meeting, acting_user())
    count = sum(len(entry.letters) for entry in decisions)
    return render_template("meetings/letters.html", meeting=meeting, decisions=decisions, withheld=withheld,
                           count=count), status


@bp.route("/<int:meeting_id>/letters")
@login_required
def letters(meeting_id: int):  # noqa: ANN201
    return _previews(meeting_id)


@bp.route("/<int:meeting_id>/letters", methods=["POST"])
@login_required
def send_letters(meeting_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id, can_manage_meeting)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = ops.send_decision_letters(meeting, actor=acting_user())
        db.session.commit()
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return _previews(meeting_id, 400)
    flash(ngettext("%(num)d decision letter was sent.", "%(num)d decision letters were sent.", count), "info")
    return redirect(url_for("meetings.letters", meeting_id=meeting_id))
