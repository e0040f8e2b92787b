from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.auth.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from portal.proposals.fields import (
    CONTAINMENT_LABELS,
    FIELD_BY_NAME,
    FUNDING_LABELS,
    TEAM_ROLE_LABELS,
    TITLE_MAX,
)


def _spec_field(name: str, field_class: type = StringField, **kwargs: object):  # noqa: ANN202
    spec = FIELD_BY_NAME[name]
    return field_class(
        spec.label,
        description=spec.help,
        validators=[Optional(), Length(max=spec.max_length, message=f"Use at most {spec.max_length:,} characters.")],
        **kwargs,
    )


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", "Choose…")] + [SelectChoice(key.value, label) for key, label in labels.items()]


class NewProposalForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired("Give the proposal a title."),
            Length(max=TITLE_MAX, message=f"Use at most {TITLE_MAX} characters."),
        ],
    )
    pi_email = EmailField(
        "Principal investigator's e-mail (if you are preparing it for someone else)",
        validators=[Optional(), Length(max=254)],
    )


class ProposalForm(FlaskForm):
    """Every field can be saved incomplete; completeness is checked before signing."""

    # The version of the working copy this form was opened on: a later save by someone else is detected.
    lock_version = HiddenField()

    title = StringField(
        "Title",
        validators=[
            DataRequired("Give the proposal a title."),
            Length(max=TITLE_MAX, message=f"Use at most {TITLE_MAX} characters."),
        ],
    )
    lay_summary = _spec_field("lay_summary", TextAreaField)
    aims = _spec_field("aims", TextAreaField)
    methods_summary = _spec_field("methods_summary", TextAreaField)
    funding_source = SelectField("Funding source", choices=_choices(FUNDING_LABELS), validators=[Optional()])
    funding_agency = _spec_field("funding_agency")
    award_number = _spec_field("award_number")
    sites = _spec_field("sites", TextAreaField)
    countries = _spec_field("countries")
    containment_level = SelectField(
        "Highest containment level", choices=_choices(CONTAINMENT_LABELS), validators=[Optional()]
    )

    def values(self) -> dict[str, str]:
        return {name: field.data or "" for name, field in self._fields.items() if name in FIELD_BY_NAME}


class MemberForm(FlaskForm):
    email = EmailField("E-mail address of a portal user", validators=[InputRequired(), Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice(k.value, v) for k, v in TEAM_ROLE_LABELS.items()])


class CollaboratorForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    affiliation = StringField("Affiliation", validators=[DataRequired(), Length(max=300)])
    role = StringField("Role in the project", validators=[Optional(), Length(max=200)])


class AttachmentForm(FlaskForm):
    document = FileField("PDF document", validators=[FileRequired("Choose a PDF file to upload.")])


class SubmitForm(FlaskForm):
    attest = BooleanField("I make this attestation")
    printed_name = StringField("Your full name, as your signature", validators=[InputRequired(), Length(max=200)])
    password = PasswordField(
        "Your password, to confirm it is you", validators=[InputRequired(), Length(max=PASSWORD_MAX_LENGTH)]
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why is the proposal withdrawn?", validators=[InputRequired(), Length(max=2000)])
