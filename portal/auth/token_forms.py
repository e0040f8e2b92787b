"""The form that creates a personal API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.api_tokens import DEFAULT_EXPIRY, EXPIRY_CHOICES, SCOPE_LABELS, Scope


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Give the token a name, so you can tell it apart from your others.")),
            Length(max=100, message=_l("Keep the name to 100 characters.")),
        ],
        description=_l("What the token is for, for example “Grants system sync”. Only you see it."),
    )
    scopes = SelectMultipleField(
        _l("What the token may do"),
        choices=[SelectChoice(scope.value, SCOPE_LABELS[scope]) for scope in Scope],
        validators=[InputRequired(message=_l("Choose at least one thing the token may do."))],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    days = SelectField(
        _l("Expires after"),
        choices=[
            SelectChoice(str(days), lazy_ngettext("%(num)d day", "%(num)d days", days)) for days in EXPIRY_CHOICES
        ],
        default=str(DEFAULT_EXPIRY),
        validators=[InputRequired(message=_l("Choose how long the token lasts."))],
    )
