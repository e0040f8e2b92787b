"""The minutes of a meeting: read per viewer, generated once the meeting ended, edited while a draft (with an
optimistic lock), approved from a later meeting. Routes on the meetings blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm.exc import StaleDataError

from portal.auth.forms import ConfirmForm
from portal.errors import PortalError
from portal.extensions import db
from portal.meetings import operations as ops
from portal.meetings.forms import MinutesForm
from portal.meetings.models import Meeting
from portal.meetings.permissions import can_edit_minutes, can_manage_meeting
from portal.meetings.states import MinutesState
from portal.meetings.viewer import Section, minutes_sections
from portal.meetings.views import acting_user, bp, load_item, load_meeting, run


def _minutes_page(meeting_id: int, status: int = 200):  # noqa: ANN202
    meeting = load_meeting(meeting_id)
    user = acting_user()
    return render_template(
        "meetings/minutes.html",
        meeting=meeting,
        sections=minutes_sections(meeting, user),
        manage=can_manage_meeting(user, meeting),
        may_edit=can_edit_minutes(user, meeting),
    ), status


@bp.route("/<int:meeting_id>/minutes")
@login_required
def minutes(meeting_id: int):  # noqa: ANN201
    return _minutes_page(meeting_id)


@bp.route("/<int:meeting_id>/minutes/generate", methods=["POST"])
@login_required
def generate_minutes(meeting_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id, can_manage_meeting)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        ops.generate_minutes(meeting, actor=acting_user())
        db.session.commit()
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return _minutes_page(meeting_id, 400)
    flash(_("The draft minutes were generated from the recorded facts. Check and edit them before approval."), "info")
    return redirect(url_for("meetings.minutes", meeting_id=meeting_id))


def _editor(meeting: Meeting, form: MinutesForm, sections: list[Section], posted: dict, status: int = 200):  # noqa: ANN202
    return render_template(
        "meetings/minutes_edit.html", meeting=meeting, form=form, sections=sections, posted=posted
    ), status


def _posted_sections(sections: list[Section]) -> dict[int, str]:
    """The item sections the user may edit, as sent; a section left out of the request is left unchanged."""
    sent = {s.item_id: request.form.get(f"section-{s.item_id}") for s in sections if s.editable and s.item_id}
    return {item_id: text for item_id, text in sent.items() if text is not None}


@bp.route("/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@login_required
def edit_minutes(meeting_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id, can_edit_minutes)
    if request.method == "GET" and meeting.minutes_enum is not MinutesState.DRAFT:
        abort(409, "Approved minutes cannot be changed." if meeting.minutes_enum is MinutesState.APPROVED
              else "The minutes have not been generated yet.")
    sections = minutes_sections(meeting, acting_user())
    form = MinutesForm(data={"lock_version": meeting.lock_version, "general": meeting.minutes_general})
    if not form.is_submitted():
        return _editor(meeting, form, sections, {})
    posted = _posted_sections(sections)
    if not form.validate() or not (form.lock_version.data or "").isdigit():
        flash(" ".join(e for f in form for e in f.errors) or _("Reload the page and edit again."), "error")
        return _editor(meeting, form, sections, posted, 400)
    general = request.form.get("general") if sections[0].editable else None
    try:
        changed = ops.edit_minutes(meeting, general=general, sections=posted,
                                   opened_lock=int(form.lock_version.data), actor=acting_user())
        db.session.commit()
    except (ops.MinutesChanged, StaleDataError):
        db.session.rollback()
        flash(ops.MinutesChanged().translated(), "error")
        return _editor(meeting, form, sections, posted, 409)
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return _editor(meeting, form, sections, posted, 400)
    flash(_("The minutes were saved.") if changed else _("Nothing was changed."), "info")
    return redirect(url_for("meetings.minutes", meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/items/<int:item_id>/approve", methods=["POST"])
@login_required
def approve_minutes(meeting_id: int, item_id: int):  # noqa: ANN201
    later = load_meeting(meeting_id)
    item = load_item(later, item_id)  # first: an item withheld by a conflict is 404, not "you may not approve"
    if item.is_proposal:
        abort(404)
    if not can_manage_meeting(acting_user(), later):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    earlier = item.minutes_of
    return run(later, lambda: ops.approve_minutes(earlier, at_meeting=later, actor=acting_user()),
               _("The minutes of %(title)s were approved; they can no longer change.", title=earlier.title), "#agenda")
