"""The what-if form: a shipped set or an uploaded edited copy, and how far back to look."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from portal.criteria.model import CriteriaSet
from portal.reports.whatif_source import UPLOAD_LIMIT

NO_SHIPPED_SET = ""


class WhatIfForm(FlaskForm):
    set_id = SelectField(_l("A criteria set as shipped in review_criteria/"), choices=[], validate_choice=True)
    document = FileField(
        _l("Or an edited copy of a criteria set (YAML)"),
        description=_l("Checked by the same loader as the shipped sets, against the shipped lists and shared "
                       "questions; at most %(size)s KB. It is used for this what-if only and never applied.",
                       size=UPLOAD_LIMIT // 1024),
    )
    since = DateField(_l("Versions submitted on or after (optional)"), validators=[Optional()])

    def offer(self, sets: Iterable[CriteriaSet]) -> WhatIfForm:
        """The shipped sets as choices; called per request, so the labels are translated now (plain text, escaped
        where shown, unlike a lazy string with the set's title in it)."""
        self.set_id.choices = [(NO_SHIPPED_SET, _("— use the uploaded file —"))] + [
            (s.id, _("%(title)s (%(id)s, version %(version)s)", title=s.title, id=s.id, version=s.version))
            for s in sets
        ]
        return self

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        uploaded = bool(self.document.data and getattr(self.document.data, "filename", ""))
        if valid and uploaded == (self.set_id.data != NO_SHIPPED_SET):
            self.set_id.errors.append(_("Choose a shipped set or upload an edited copy: one of the two.")
                                      if uploaded else _("Choose a shipped set, or upload an edited copy."))
            return False
        return valid
