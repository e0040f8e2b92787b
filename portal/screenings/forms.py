"""The screening questionnaire as a WTForms form built from the questions of the active sets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.criteria.model import UNSURE, Question

YES_NO_UNSURE = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No")), SelectChoice(UNSURE, _l("Not sure"))]


def field_name(question_id: str) -> str:
    return "q_" + re.sub(r"[^a-z0-9]+", "_", question_id)


def _number(_form: FlaskForm, field: StringField) -> None:
    if field.data:
        try:
            float(field.data)
        except ValueError:
            raise ValidationError(_l("Enter a number, for example 12 or 3.5.")) from None


def _iso_date(_form: FlaskForm, field: StringField) -> None:
    if field.data:
        try:
            date.fromisoformat(field.data)
        except ValueError:
            raise ValidationError(_l("Enter a date as YYYY-MM-DD.")) from None


def _choices(question: Question) -> list[SelectChoice]:
    choices = [SelectChoice(c.id, c.label) for c in question.choices]
    if question.allow_unsure:
        choices.append(SelectChoice(UNSURE, _l("Not sure")))
    return choices


def _field(question: Question):  # noqa: ANN202 - a WTForms unbound field
    label, help_text = question.text, question.help
    if question.type == "yes_no_unsure":
        return RadioField(label, choices=YES_NO_UNSURE, validators=[Optional()], description=help_text)
    if question.type == "single_choice":
        return RadioField(label, choices=_choices(question), validators=[Optional()], description=help_text)
    if question.type == "multiple_choice":
        return SelectMultipleField(
            label,
            choices=_choices(question),
            validators=[Optional()],
            description=help_text,
            option_widget=CheckboxInput(),
            widget=ListWidget(prefix_label=False),
        )
    if question.type == "attestation":
        return BooleanField(label, description=help_text)
    if question.type == "number":
        return StringField(label, validators=[Optional(), _number], description=help_text)
    if question.type == "date":
        return StringField(label, validators=[Optional(), _iso_date], description=help_text, render_kw={"type": "date"})
    return TextAreaField(label, validators=[Optional(), Length(max=5000)], description=help_text)


def build_screening_form(questions: Iterable[Question], answers: dict[str, Any]) -> FlaskForm:
    """A form with one field per question, named q_<id>, filled from the saved answers."""
    form_class = type("ScreeningForm", (FlaskForm,), {})
    data: dict[str, Any] = {}
    for question in questions:
        name = field_name(question.id)
        setattr(form_class, name, _field(question))
        answer = answers.get(question.id)
        data[name] = (answer == "yes") if question.type == "attestation" else answer
    return form_class(data=data)


def answers_from(form: FlaskForm, questions: Iterable[Question]) -> dict[str, Any]:
    """Posted answers keyed by question id; blank ones are left out."""
    answers: dict[str, Any] = {}
    for question in questions:
        value = form[field_name(question.id)].data
        if question.type == "attestation":
            value = "yes" if value else None
        elif isinstance(value, str):
            value = value.strip()
        if value not in (None, "", []):
            answers[question.id] = value
    return answers
