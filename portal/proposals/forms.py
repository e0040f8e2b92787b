from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
        _l(spec.label),
        description=_l(spec.help) if spec.help else "",
        validators=[Optional(), Length(max=spec.max_length, message=_l("Use at most %(num)s characters.",
                                                                       num=format(spec.max_length, ",")))],
        **kwargs,
    )


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose…"))] + [SelectChoice(key.value, _l(label)) for key, label in labels.items()]


class NewProposalForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give the proposal a title.")),
            Length(max=TITLE_MAX, message=_l("Use at most %(num)s characters.", num=TITLE_MAX)),
        ],
    )
    pi_email = EmailField(
        _l("Principal investigator's e-mail (if you are preparing it for someone else)"),
        validators=[Optional(), Length(max=254)],
    )


class ProposalForm(FlaskForm):
    """Every field can be saved incomplete; completeness is checked before signing."""

    # The version of the working copy this form was opened on: a later save by someone else is detected.
    lock_version = HiddenField()

    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give the proposal a title.")),
            Length(max=TITLE_MAX, message=_l("Use at most %(num)s characters.", num=TITLE_MAX)),
        ],
    )
    lay_summary = _spec_field("lay_summary", TextAreaField)
    aims = _spec_field("aims", TextAreaField)
    methods_summary = _spec_field("methods_summary", TextAreaField)
    funding_source = SelectField(_l("Funding source"), choices=_choices(FUNDING_LABELS), validators=[Optional()])
    funding_agency = _spec_field("funding_agency")
    award_number = _spec_field("award_number")
    sites = _spec_field("sites", TextAreaField)
    countries = _spec_field("countries")
    containment_level = SelectField(
        _l("Highest containment level"), choices=_choices(CONTAINMENT_LABELS), validators=[Optional()]
    )

    def values(self) -> dict[str, str]:
        return {name: field.data or "" for name, field in self._fields.items() if name in FIELD_BY_NAME}


class MemberForm(FlaskForm):
    email = EmailField(_l("E-mail address of a portal user"), validators=[InputRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice(k.value, _l(v)) for k, v in TEAM_ROLE_LABELS.items()])


class CollaboratorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    affiliation = StringField(_l("Affiliation"), validators=[DataRequired(), Length(max=300)])
    role = StringField(_l("Role in the project"), validators=[Optional(), Length(max=200)])


class AttachmentForm(FlaskForm):
    document = FileField(_l("PDF document"), validators=[FileRequired(_l("Choose a PDF file to upload."))])


class SubmitForm(FlaskForm):
    attest = BooleanField(_l("I make this attestation"))
    printed_name = StringField(_l("Your full name, as your signature"), validators=[InputRequired(), Length(max=200)])
    password = PasswordField(
        _l("Your password, to confirm it is you"), validators=[InputRequired(), Length(max=PASSWORD_MAX_LENGTH)]
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why is the proposal withdrawn?"), validators=[InputRequired(), Length(max=2000)])
