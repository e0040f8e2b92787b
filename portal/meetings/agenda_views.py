"""The agenda of a meeting: adding and removing items, recusals, votes and the chair's notes. Routes on the
meetings blueprint; the same load, authorise, validate, one operation, commit as views.py."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth.forms import ConfirmForm
from portal.extensions import db
from portal.meetings import operations as ops
from portal.meetings.forms import MinutesItemForm, NotesForm, ProposalItemForm, RecusalForm, VoteForm
from portal.meetings.models import Meeting
from portal.meetings.permissions import (
    can_manage_item,
    can_manage_meeting,
    can_manage_proposal,
    can_record_vote,
    current_member,
)
from portal.meetings.rules import Choice
from portal.meetings.views import acting_user, bp, load_item, load_meeting, member_user, refuse_form, run
from portal.proposals.models import Proposal
from portal.proposals.permissions import is_conflicted


def _may_manage_an_item(user: object, meeting: Meeting) -> bool:
    """Adding a proposal is the chair's duty for that proposal: the chair, a coordinator, or the deputy of a
    conflicted chair. Which proposal it may be is the operation's rule."""
    return can_manage_meeting(user, meeting) or meeting.committee.deputy_id == getattr(user, "id", None)


@bp.route("/<int:meeting_id>/items", methods=["POST"])
@login_required
def add_proposal_item(meeting_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id, _may_manage_an_item)
    form = ProposalItemForm()
    if not form.validate_on_submit():
        return refuse_form(meeting, form)
    proposal = db.session.get(Proposal, form.proposal_id.data)
    if proposal is None or proposal.institution_id != meeting.committee.institution_id:
        abort(404)
    if is_conflicted(current_user, proposal):
        abort(404)  # a conflicted person may not even learn what the proposal is
    if not can_manage_proposal(current_user, meeting.committee, proposal):
        abort(403)
    return run(meeting, lambda: ops.add_proposal_item(meeting, proposal, actor=acting_user()),
               _("The proposal was added to the agenda."), "#agenda")


@bp.route("/<int:meeting_id>/minutes-items", methods=["POST"])
@login_required
def add_minutes_item(meeting_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id, can_manage_meeting)
    form = MinutesItemForm()
    if not form.validate_on_submit():
        return refuse_form(meeting, form)
    earlier = db.session.get(Meeting, form.meeting_id.data)
    if earlier is None or earlier.committee.institution_id != meeting.committee.institution_id:
        abort(404)
    return run(meeting, lambda: ops.add_minutes_item(meeting, earlier, actor=acting_user()),
               _("The minutes of %(title)s were added to the agenda.", title=earlier.title), "#agenda")


@bp.route("/<int:meeting_id>/items/<int:item_id>/remove", methods=["POST"])
@login_required
def remove_item(meeting_id: int, item_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id)
    item = load_item(meeting, item_id)
    if not can_manage_item(current_user, meeting, item):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run(meeting, lambda: ops.remove_item(item, actor=acting_user()),
               _("Item %(position)s was removed from the agenda.", position=item.position), "#agenda")


@bp.route("/<int:meeting_id>/items/<int:item_id>/recusals", methods=["POST"])
@login_required
def recuse(meeting_id: int, item_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id)
    item = load_item(meeting, item_id)
    managing = can_manage_item(current_user, meeting, item)
    if not managing and current_member(current_user, meeting.committee) is None:
        abort(403)
    form = RecusalForm()
    if not form.validate_on_submit():
        return refuse_form(meeting, form)
    person = member_user(meeting, form.user_id.data)
    if person.id != current_user.id and not managing:
        abort(403)
    return run(meeting, lambda: ops.declare_recusal(item, person, reason=form.reason.data, actor=acting_user()),
               _("%(name)s is recused from item %(position)s.", name=person.name, position=item.position),
               f"#item-{item.id}")


@bp.route("/<int:meeting_id>/items/<int:item_id>/votes", methods=["POST"])
@login_required
def vote(meeting_id: int, item_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id)
    item = load_item(meeting, item_id)
    if not can_manage_item(current_user, meeting, item) and current_member(current_user, meeting.committee) is None:
        abort(403)
    form = VoteForm()
    if not form.validate_on_submit():
        return refuse_form(meeting, form)
    voter = member_user(meeting, form.user_id.data)
    if not can_record_vote(current_user, meeting, item, voter.id):
        abort(403)
    choice = Choice(form.choice.data)
    return run(meeting, lambda: ops.cast_vote(item, voter, choice, actor=acting_user()),
               _("%(name)s: %(choice)s on item %(position)s.", name=voter.name, choice=_(choice.label).lower(),
                 position=item.position), f"#item-{item.id}")


@bp.route("/<int:meeting_id>/items/<int:item_id>/notes", methods=["POST"])
@login_required
def notes(meeting_id: int, item_id: int):  # noqa: ANN201
    meeting = load_meeting(meeting_id)
    item = load_item(meeting, item_id)
    if not can_manage_item(current_user, meeting, item):
        abort(403)
    form = NotesForm()
    if not form.validate_on_submit():
        return refuse_form(meeting, form)
    return run(meeting, lambda: ops.record_notes(item, notes=form.notes.data or "", actor=acting_user()),
               _("The notes on item %(position)s were saved.", position=item.position), f"#item-{item.id}")
