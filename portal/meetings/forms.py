"""Forms for meetings. Ids arrive as whole numbers; the views load what they name and answer 404 for anything
outside what the user may see, so a form never has to know the choices it accepts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.i18n.forms import PlainErrorsForm
from portal.meetings.rules import Choice


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _id(label: str, missing: str) -> IntegerField:
    """A row id from a form: a whole number in the database's range, or a message instead of a query. The label
    and message are lazy translations (_l) made by the caller."""
    return IntegerField(
        label, validators=[InputRequired(missing), NumberRange(1, 2**31 - 1, _l("Choose from the list."))]
    )


def _at_most(num: int):  # noqa: ANN202 - a lazy string
    return _l("Use at most %(num)s characters.", num=num)


class ScheduleForm(PlainErrorsForm):
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[DataRequired(_l("Give the meeting a title.")), Length(max=200, message=_at_most(200))],
    )
    starts_at = DateTimeLocalField(
        _l("Starts at (UTC)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(_l("Give the day and time the meeting starts."))],
    )
    location = StringField(
        _l("Location"),
        description=_l("A room, or how to join remotely."),
        filters=[_strip],
        validators=[Optional(), Length(max=200, message=_at_most(200))],
    )


class ProposalItemForm(PlainErrorsForm):
    proposal_id = _id(_l("Proposal"), _l("Choose a proposal."))


class MinutesItemForm(PlainErrorsForm):
    meeting_id = _id(_l("Minutes of"), _l("Choose the meeting whose minutes to approve."))


class AttendanceForm(PlainErrorsForm):
    user_id = _id(_l("Member"), _l("Choose a member."))
    present = SelectField(
        _l("Attendance"),
        choices=[SelectChoice("yes", _l("Present")), SelectChoice("no", _l("Absent"))],
        validators=[InputRequired(_l("Say whether the member is present or absent."))],
    )


class RecusalForm(PlainErrorsForm):
    user_id = _id(_l("Member"), _l("Choose a member."))
    reason = StringField(
        _l("Reason"),
        description=_l("Kept for the record; the minutes name recused members, never the reason."),
        filters=[_strip],
        validators=[
            DataRequired(_l("Say briefly why the member is recused.")),
            Length(max=2000, message=_at_most(2000)),
        ],
    )


class VoteForm(PlainErrorsForm):
    user_id = _id(_l("Member"), _l("Choose a member."))
    choice = SelectField(
        _l("Vote"),
        choices=[SelectChoice(c.value, _l(c.label)) for c in Choice],
        validators=[InputRequired(_l("Choose for, against, abstain or recused."))],
    )


class NotesForm(PlainErrorsForm):
    notes = TextAreaField(_l("Discussion notes"), validators=[Optional(), Length(max=20000)])


class MinutesForm(PlainErrorsForm):
    """The general section and the lock; item sections are read from `section-<item id>` by the view, for the
    items the user may edit."""

    lock_version = HiddenField(validators=[InputRequired(_l("Reload the page and edit again."))])
    general = TextAreaField(_l("Heading and attendance"), validators=[Optional(), Length(max=50000)])
