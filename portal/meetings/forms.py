"""Forms for meetings. Ids arrive as whole numbers; the views load what they name and answer 404 for anything
outside what the user may see, so a form never has to know the choices it accepts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.meetings.rules import Choice


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _id(label: str, missing: str) -> IntegerField:
    """A row id from a form: a whole number in the database's range, or a message instead of a query."""
    return IntegerField(label, validators=[InputRequired(missing), NumberRange(1, 2**31 - 1, "Choose from the list.")])


class ScheduleForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[_strip],
        validators=[DataRequired("Give the meeting a title."), Length(max=200, message="Use at most 200 characters.")],
    )
    starts_at = DateTimeLocalField(
        "Starts at (UTC)",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired("Give the day and time the meeting starts.")],
    )
    location = StringField(
        "Location",
        description="A room, or how to join remotely.",
        filters=[_strip],
        validators=[Optional(), Length(max=200, message="Use at most 200 characters.")],
    )


class ProposalItemForm(FlaskForm):
    proposal_id = _id("Proposal", "Choose a proposal.")


class MinutesItemForm(FlaskForm):
    meeting_id = _id("Minutes of", "Choose the meeting whose minutes to approve.")


class AttendanceForm(FlaskForm):
    user_id = _id("Member", "Choose a member.")
    present = SelectField(
        "Attendance",
        choices=[SelectChoice("yes", "Present"), SelectChoice("no", "Absent")],
        validators=[InputRequired("Say whether the member is present or absent.")],
    )


class RecusalForm(FlaskForm):
    user_id = _id("Member", "Choose a member.")
    reason = StringField(
        "Reason",
        description="Kept for the record; the minutes name recused members, never the reason.",
        filters=[_strip],
        validators=[
            DataRequired("Say briefly why the member is recused."),
            Length(max=2000, message="Use at most 2000 characters."),
        ],
    )


class VoteForm(FlaskForm):
    user_id = _id("Member", "Choose a member.")
    choice = SelectField(
        "Vote",
        choices=[SelectChoice(c.value, c.label) for c in Choice],
        validators=[InputRequired("Choose for, against, abstain or recused.")],
    )


class NotesForm(FlaskForm):
    notes = TextAreaField("Discussion notes", validators=[Optional(), Length(max=20000)])


class MinutesForm(FlaskForm):
    """The general section and the lock; item sections are read from `section-<item id>` by the view, for the
    items the user may edit."""

    lock_version = HiddenField(validators=[InputRequired("Reload the page and edit again.")])
    general = TextAreaField("Heading and attendance", validators=[Optional(), Length(max=50000)])
