from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class VerifyForm(FlaskForm):
    document = FileField(
        "Decision record (PDF)",
        validators=[FileRequired("Choose the decision record's PDF file.")],
        description="The PDF is checked and then discarded; nothing is stored.",
    )
