from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional


class AssignForm(FlaskForm):
    committee_id = IntegerField("Committee", validators=[InputRequired(message="Choose a committee.")])
    reviewer_id = IntegerField("Member", validators=[InputRequired(message="Choose a member to assign.")])
    due_on = DateField("Due on (optional; the committee's default otherwise)", validators=[Optional()])


class WithdrawAssignmentForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=2000)])
