"""Meeting pages: the list, a committee's meetings, scheduling, the meeting page, starting, ending, attendance.
agenda_views.py adds the agenda and votes, minutes_views.py the minutes, on the same blueprint.

Each write view: load, authorise (404 for what the user may not see, 403 for what they may see but not do),
validate, call one operation (which audits), commit once. A refusal rolls back, says why, and shows the page
again with status 400.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.audit.denials import deny_access
from portal.auth.forms import ConfirmForm
from portal.auth.models import User
from portal.committees.kinds import kind_label
from portal.committees.models import Committee
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.meetings import operations as ops
from portal.meetings import queries
from portal.meetings.forms import AttendanceForm, ScheduleForm
from portal.meetings.models import AgendaItem, Meeting
from portal.meetings.permissions import (
    can_manage_meeting,
    can_open_meetings_list,
    can_schedule_meeting,
    can_see_item,
    can_view_meeting,
    can_view_meetings,
)
from portal.meetings.rules import Choice
from portal.meetings.states import MeetingState
from portal.meetings.viewer import meeting_view

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
SAME_MOMENT = N_("Someone else recorded this at the same moment. Reload the page and try again; nothing was saved.")


def acting_user() -> User:
    return current_user._get_current_object()


def load_committee(committee_id: int) -> Committee:
    committee = db.session.get(Committee, committee_id, options=[selectinload(Committee.members)])
    if committee is None:
        abort(404)
    if not can_view_meetings(current_user, committee):
        deny_access(committee)
    return committee


def load_meeting(meeting_id: int, allowed: Callable[[User, Meeting], bool] | None = None) -> Meeting:
    """404 for a meeting that does not exist or whose committee the user does not sit on or coordinate;
    403 when `allowed` says the user may see it but not do this."""
    meeting = queries.load_meeting(meeting_id)
    if meeting is None:
        abort(404)
    if not can_view_meeting(current_user, meeting):
        deny_access(meeting)
    if allowed is not None and not allowed(acting_user(), meeting):
        abort(403)
    return meeting


def load_item(meeting: Meeting, item_id: int) -> AgendaItem:
    """404 for an item of another meeting, and for an item withheld from the user by a conflict of interest."""
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        abort(404)  # not an item of this meeting: nothing to name
    if not can_see_item(current_user, item):
        deny_access(item)
    return item


def member_user(meeting: Meeting, user_id: int | None) -> User:
    """A member of the meeting's committee, named by id in a form; 404 for anyone else."""
    member = next((m for m in meeting.committee.members if m.user_id == user_id), None)
    if member is None:
        abort(404)
    return member.user


def page(meeting_id: int, status: int = 200):  # noqa: ANN201
    meeting = load_meeting(meeting_id)
    user = acting_user()
    open_agenda = meeting.state_enum is not MeetingState.ENDED
    return render_template(
        "meetings/detail.html",
        view=meeting_view(meeting, user),
        candidates=queries.proposal_candidates(meeting, user) if open_agenda else [],
        earlier=queries.minutes_candidates(meeting) if open_agenda and can_manage_meeting(user, meeting) else [],
        choices=list(Choice),
    ), status


def run(meeting: Meeting, write: Callable[[], object], success: str, anchor: str = ""):  # noqa: ANN201
    """Call one operation and commit; a refusal is shown on the meeting page with status 400."""
    meeting_id = meeting.id
    try:
        write()
        db.session.commit()
    except PortalError as refusal:
        db.session.rollback()
        flash(refusal.translated(), "error")
        return page(meeting_id, 400)
    except IntegrityError:
        db.session.rollback()
        flash(_(SAME_MOMENT), "error")
        return page(meeting_id, 400)
    flash(success, "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting_id) + anchor)


def refuse_form(meeting: Meeting, form: object):  # noqa: ANN201
    """A form that did not validate: its messages on the meeting page, status 400."""
    errors = [e for field in form for e in field.errors]  # type: ignore[attr-defined]
    flash(" ".join(errors) or _("Check the form and try again."), "error")
    return page(meeting.id, 400)


@bp.route("")
@login_required
def index():  # noqa: ANN201
    user = acting_user()
    committees = queries.visible_committees(user)
    if not committees and not can_open_meetings_list(user):
        abort(404)
    return render_template(
        "meetings/list.html",
        meetings=queries.meetings_for(user),
        committees=committees,
        can_schedule=lambda c: can_schedule_meeting(user, c),
        kind_label=kind_label,
    )


@bp.route("/committee/<int:committee_id>")
@login_required
def committee(committee_id: int):  # noqa: ANN201
    found = load_committee(committee_id)
    return render_template(
        "meetings/committee.html",
        committee=found,
        meetings=queries.committee_meetings(found.id),
        can_schedule=can_schedule_meeting(current_user, found),
        kind_label=kind_label,
    )


@bp.route("/committee/<int:committee_id>/new", methods=["GET", "POST"])
@login_required
def schedule(committee_id: int):  # noqa: ANN201
    found = load_committee(committee_id)
    if not can_schedule_meeting(current_user, found):
        abort(403)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            meeting = ops.schedule_meeting(found, title=form.title.data, starts_at=form.starts_at.data,
                                           location=form.location.data or "", actor=acting_user())
            db.session.commit()
        except PortalError as refusal:
            db.session.rollback()
            form.title.errors.append(refusal.translated())
        else:
            flash(_("%(title)s was scheduled. Build its agenda below.", title=meeting.title), "info")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 400 if form.errors else 200
    return render_template("meetings/schedule.html", form=form, committee=found), status


@bp.route("/<int:meeting_id>")
@login_required
def detail(meeting_id: int):  # noqa: ANN201
    return page(meeting_id)


@bp.route("/<int:meeting_id>/start", methods=["POST"])
@login_required
def start(meeting_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id, can_manage_meeting)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run(meeting, lambda: ops.start_meeting(meeting, actor=acting_user()), _("The meeting is in session."))


@bp.route("/<int:meeting_id>/end", methods=["POST"])
@login_required
def end(meeting_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id, can_manage_meeting)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run(meeting, lambda: ops.end_meeting(meeting, actor=acting_user()),
               _("The meeting has ended. Generate its minutes when you are ready."))


@bp.route("/<int:meeting_id>/attendance", methods=["POST"])
@login_required
def attendance(meeting_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id, can_manage_meeting)
    form = AttendanceForm()
    if not form.validate_on_submit():
        return refuse_form(meeting, form)
    person = member_user(meeting, form.user_id.data)
    present = form.present.data == "yes"
    return run(
        meeting,
        lambda: ops.record_attendance(meeting, person, present=present, actor=acting_user()),
        _("%(name)s is recorded as present.", name=person.name) if present
        else _("%(name)s is recorded as absent.", name=person.name),
        "#attendance",
    )
