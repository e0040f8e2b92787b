"""The report's filters: a GET form (nothing is written, so no CSRF token), its choices limited to what the reader
may see; anything else is refused with a message and the report shows unfiltered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import Translations, translations
from wtforms import DateField, Form, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from portal.criteria.model import CriteriaSet
from portal.decisions.rules import OUTCOME_LABELS
from portal.reports.rules import ReportFilters

ANY = SelectChoice("", _l("Any"))
# An outcome's label up to its colon ("Prohibited"), translated when shown (the labels are marked where defined).
OUTCOME_CHOICES = [ANY, *(SelectChoice(k, _l(label.split(":")[0])) for k, label in OUTCOME_LABELS.items())]


def _optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: pre_validate refuses it with a message


class ReportFilterForm(Form):
    class Meta:
        def get_translations(self, form: Form) -> Translations:
            """WTForms' own messages ("Not a valid choice.") in the reader's language, as a FlaskForm has them."""
            return translations

    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    institution = SelectField(_l("Institution"), coerce=_optional_int, validate_choice=True)
    committee = SelectField(_l("Committee"), coerce=_optional_int, validate_choice=True)
    criteria_set = SelectField(_l("Criteria set"), validate_choice=True, default="")
    outcome = SelectField(_l("Decision outcome"), validate_choice=True, default="", choices=OUTCOME_CHOICES)
    determination = SelectField(_l("Determination"), validate_choice=True, default="")

    def __init__(self, args: Mapping[str, str], *, institutions: list[tuple[int, str]],
                 committees: list[tuple[int, str]], sets: Mapping[str, CriteriaSet]) -> None:
        super().__init__(formdata=args)
        self.institution.choices = [ANY, *(SelectChoice(i, name) for i, name in institutions)]
        self.committee.choices = [ANY, *(SelectChoice(i, name) for i, name in committees)]
        self.criteria_set.choices = [ANY, *(SelectChoice(s.id, s.title) for s in sets.values())]
        determinations = sorted({(d.id, d.title) for s in sets.values() for d in s.determinations})
        self.determination.choices = [ANY, *(SelectChoice(i, title) for i, title in determinations)]

    def validate_until(self, field: DateField) -> None:
        if self.since.data and field.data and field.data < self.since.data:
            # Translated now, as plain text: the API puts the message in its JSON (and answers in English).
            raise ValidationError(_("The end of the period is before its start."))

    def problems(self) -> list[str]:
        return [f"{self[name].label.text}: {message}" for name, messages in self.errors.items() for message in messages]

    def filters(self) -> ReportFilters:
        """The filters as entered, or none at all when any is refused (the page says which)."""
        if self.errors:
            return ReportFilters()
        return ReportFilters(since=self.since.data, until=self.until.data, institution_id=self.institution.data,
                             committee_id=self.committee.data, set_id=self.criteria_set.data or "",
                             outcome=self.outcome.data or "", determination=self.determination.data or "")

    def described(self) -> list[tuple[str, str]]:
        """The filters in force, as (label, what was chosen) for a printed report."""
        if self.errors:
            return []
        shown = []
        for field in self:
            if field.data in (None, ""):
                continue
            labels = {str(c.value): c.label for c in field.choices} if isinstance(field, SelectField) else {}
            shown.append((field.label.text, labels.get(str(field.data), str(field.data))))
        return shown
