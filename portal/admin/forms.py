"""Forms of the administrators' pages that belong to no other package: the institution's own settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import AnyOf

from portal.i18n.languages import LANGUAGES


class RecordLanguageForm(FlaskForm):
    # validate_choice off: AnyOf gives the clearer message for a code that is not in the list.
    record_language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        validate_choice=False,
        validators=[AnyOf(list(LANGUAGES), message=_l("Choose one of the languages in the list."))],
        description=_l("The headings and labels of decision records are printed in this language, whoever downloads "
                       "them. A decision keeps the language it was made under, so earlier records do not change. "
                       "Titles, names and rationales are printed as they were written."),
    )
