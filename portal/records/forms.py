from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class VerifyForm(FlaskForm):
    document = FileField(
        _l("Decision record (PDF)"),
        validators=[FileRequired(_l("Choose the decision record's PDF file."))],
        description=_l("The PDF is checked and then discarded; nothing is stored."),
    )
