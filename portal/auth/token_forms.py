"""The form that creates a personal API token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.api_tokens import DEFAULT_EXPIRY, EXPIRY_CHOICES, SCOPE_LABELS, Scope


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired(message="Give the token a name, so you can tell it apart from your others."),
            Length(max=100, message="Keep the name to 100 characters."),
        ],
        description="What the token is for, for example “Grants system sync”. Only you see it.",
    )
    scopes = SelectMultipleField(
        "What the token may do",
        choices=[SelectChoice(scope.value, SCOPE_LABELS[scope]) for scope in Scope],
        validators=[InputRequired(message="Choose at least one thing the token may do.")],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    days = SelectField(
        "Expires after",
        choices=[SelectChoice(str(days), f"{days} days") for days in EXPIRY_CHOICES],
        default=str(DEFAULT_EXPIRY),
        validators=[InputRequired(message="Choose how long the token lasts.")],
    )
