"""Decision forms. The decision form's fields are generated from the proposal's screenings, so they are read from
the posted data by `decision_draft`; the fixed forms below carry CSRF and the plain fields."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import ListWidget

from portal.decisions.models import APPEAL_LEVELS, APPEAL_OUTCOMES
from portal.decisions.rules import ConditionDraft, DecisionDraft, SetFacts
from portal.i18n.forms import PlainErrorsForm

CONDITION_ROWS = 6
TEXT_LIMIT = 5000


class DecisionForm(FlaskForm):
    """CSRF for the generated decision form."""


class SignForm(PlainErrorsForm):
    printed_name = StringField(_l("Your full name, as your signature"),
                               validators=[InputRequired(message=_l("Type your name.")), Length(max=200)])
    password = PasswordField(_l("Your password, to confirm it is you"),
                             validators=[InputRequired(message=_l("Enter your password."))])


class EvidenceForm(PlainErrorsForm):
    evidence = TextAreaField(_l("What was done, and where the evidence is"),
                             validators=[InputRequired(message=_l("Describe the evidence.")), Length(max=TEXT_LIMIT)])


class ReviewEvidenceForm(PlainErrorsForm):
    note = TextAreaField(_l("Why the evidence is not enough (when you return it)"),
                         validators=[Optional(), Length(max=TEXT_LIMIT)])


class ClockForm(PlainErrorsForm):
    note = TextAreaField(_l("Note (optional): what was sent or done"), validators=[Optional(), Length(max=TEXT_LIMIT)])


class AppealForm(PlainErrorsForm):
    level = RadioField(_l("Level"), choices=[SelectChoice(k, _l(v)) for k, v in APPEAL_LEVELS.items()],
                       widget=ListWidget(prefix_label=False),
                       validators=[InputRequired(message=_l("Choose the level of the appeal."))])
    grounds = TextAreaField(_l("Grounds of the appeal"),
                            validators=[InputRequired(message=_l("Give the grounds.")), Length(max=TEXT_LIMIT)])


class AppealOutcomeForm(PlainErrorsForm):
    outcome = RadioField(_l("Outcome"),
                         choices=[SelectChoice(k, _l(v)) for k, v in APPEAL_OUTCOMES.items() if k != "pending"],
                         widget=ListWidget(prefix_label=False),
                         validators=[InputRequired(message=_l("Choose how the appeal ended."))])
    reviewer = StringField(_l("Heard by"), validators=[InputRequired(message=_l("Say who heard the appeal.")),
                                                       Length(max=200)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=TEXT_LIMIT)])


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
