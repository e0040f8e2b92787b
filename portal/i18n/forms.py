"""A form base for translated validator messages that views join into one flash."""

from __future__ import annotations

from flask_wtf import FlaskForm


class PlainErrorsForm(FlaskForm):
    """The validator messages are lazy (translated when read); the views join them into one flash, so after
    validating, each error is the text in the reader's language."""

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators)
        for field in self:
            field.errors = [str(error) for error in field.errors]
        return valid
