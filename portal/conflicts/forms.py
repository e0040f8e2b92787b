"""Declaring one's own conflict of interest with a proposal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.i18n.forms import PlainErrorsForm


class DeclareConflictForm(PlainErrorsForm):
    reason = TextAreaField(
        _l("Why you have a conflict of interest"),
        description=_l("Kept with the proposal's record for the coordinator and the committee's chair; never shown "
                       "in minutes or to the investigators."),
        filters=[lambda text: " ".join(text.split()) if text else text],
        validators=[
            DataRequired(message=_l("Say briefly why there is a conflict of interest.")),
            Length(max=2000, message=_l("Keep the reason under 2,000 characters.")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - FlaskForm's own arguments
        # Prefixed: the review form on the same page has fields of its own.
        super().__init__(*args, prefix="conflict", **kwargs)
