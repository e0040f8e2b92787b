from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from portal.i18n.forms import PlainErrorsForm
from portal.notifications.models import DIGEST, IMMEDIATE, OFF


class DeliveryForm(PlainErrorsForm):
    delivery = RadioField(
        _l("E-mail me"),
        choices=[
            SelectChoice(IMMEDIATE, _l("Each notification as it happens")),
            SelectChoice(DIGEST, _l("One daily digest of everything")),
            SelectChoice(OFF, _l("No e-mail: I read my inbox here")),
        ],
        validators=[InputRequired(_l("Choose how you want your e-mail."))],
    )
