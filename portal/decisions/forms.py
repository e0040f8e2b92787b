"""Decision forms. The decision form's fields are generated from the proposal's screenings, so they are read from
the posted data by `decision_draft`; the fixed forms below carry CSRF and the plain fields."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import ListWidget

from portal.decisions.models import APPEAL_LEVELS
from portal.decisions.rules import ConditionDraft, DecisionDraft, SetFacts

CONDITION_ROWS = 6
TEXT_LIMIT = 5000


class DecisionForm(FlaskForm):
    """CSRF for the generated decision form."""


class SignForm(FlaskForm):
    printed_name = StringField("Your full name, as your signature",
                               validators=[InputRequired(message="Type your name."), Length(max=200)])
    password = PasswordField("Your password, to confirm it is you",
                             validators=[InputRequired(message="Enter your password.")])


class EvidenceForm(FlaskForm):
    evidence = TextAreaField("What was done, and where the evidence is",
                             validators=[InputRequired(message="Describe the evidence."), Length(max=TEXT_LIMIT)])


class ReviewEvidenceForm(FlaskForm):
    note = TextAreaField("Why the evidence is not enough (when you return it)",
                         validators=[Optional(), Length(max=TEXT_LIMIT)])


class ClockForm(FlaskForm):
    note = TextAreaField("Note (optional): what was sent or done", validators=[Optional(), Length(max=TEXT_LIMIT)])


class AppealForm(FlaskForm):
    level = RadioField("Level", choices=[SelectChoice(k, v) for k, v in APPEAL_LEVELS.items()],
                       widget=ListWidget(prefix_label=False),
                       validators=[InputRequired(message="Choose the level of the appeal.")])
    grounds = TextAreaField("Grounds of the appeal",
                            validators=[InputRequired(message="Give the grounds."), Length(max=TEXT_LIMIT)])


class AppealOutcomeForm(FlaskForm):
    outcome = RadioField("Outcome", choices=[SelectChoice("upheld", "Decision upheld"),
                                             SelectChoice("overturned", "Decision overturned"),
                                             SelectChoice("modified", "Decision modified")],
                         widget=ListWidget(prefix_label=False),
                         validators=[InputRequired(message="Choose how the appeal ended.")])
    reviewer = StringField("Heard by", validators=[InputRequired(message="Say who heard the appeal."),
                                                   Length(max=200)])
    note = TextAreaField("Note", validators=[Optional(), Length(max=TEXT_LIMIT)])


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def decision_draft(data: MultiDict, sets: list[SetFacts]) -> DecisionDraft:
    """Read the generated fields; unknown keys and malformed values are ignored, never trusted."""
    draft = DecisionDraft(outcome=data.get("outcome") or "", rationale=(data.get("rationale") or "")[:TEXT_LIMIT])
    for facts in sets:
        draft.determinations[facts.set_id] = (
            data.get(f"determination-{facts.set_id}") or "",
            (data.get(f"determination-rationale-{facts.set_id}") or "")[:TEXT_LIMIT],
        )
        for criterion, _question in facts.judgments:
            key = f"{facts.set_id}/{criterion}"
            draft.judgments[(facts.set_id, criterion)] = (
                data.get(f"judgment-{key}") or "",
                (data.get(f"judgment-rationale-{key}") or "")[:TEXT_LIMIT],
            )
    for n in range(CONDITION_ROWS):
        description = (data.get(f"condition-description-{n}") or "").strip()
        if description:
            draft.conditions.append(ConditionDraft(description[:TEXT_LIMIT], data.get(f"condition-owner-{n}") or "",
                                                   _date(data.get(f"condition-due-{n}"))))
    return draft
