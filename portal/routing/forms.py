from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.committees.kinds import kind_label
from portal.committees.models import Committee


class TriageForm(FlaskForm):
    committees = SelectMultipleField(
        _l("Committees"),
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    reason = TextAreaField(
        _l("Reason (needed when you choose other committees than proposed)"), validators=[Optional(), Length(max=2000)]
    )

    def offer(self, committees: list[Committee]) -> None:
        self.committees.choices = [
            SelectChoice(c.id, _("%(name)s (%(kind)s)", name=c.name, kind=_(kind_label(c.kind)))) for c in committees
        ]


class OutOfScopeForm(FlaskForm):
    reason = TextAreaField(_l("Why no committee review is needed"), validators=[Optional(), Length(max=2000)])
