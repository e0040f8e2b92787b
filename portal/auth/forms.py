from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.passwords import MAX_LENGTH, password_problem
from portal.auth.roles import Role
from portal.i18n.languages import LANGUAGES


def _strong_password(form: FlaskForm, field: PasswordField) -> None:
    email = form.email.data if hasattr(form, "email") else getattr(form, "account_email", "")
    problem = password_problem(field.data or "", email=email or "")
    if problem:
        raise ValidationError(problem)


_same_as_password = EqualTo("password", _l("The passwords do not match."))
ROLE_CHOICES = [SelectChoice(role.value, _l(role.label)) for role in Role]


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=MAX_LENGTH)])


class AccountRequestForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=200)])
    email = EmailField(
        _l("Institutional e-mail address"),
        validators=[InputRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    affiliation = SelectField(_l("Institution and department"), validators=[InputRequired()])
    requested_role = SelectField(_l("Role you are asking for"), choices=ROLE_CHOICES, validators=[InputRequired()])
    affiliation_statement = TextAreaField(
        _l("Statement of affiliation"),
        validators=[InputRequired(), Length(min=20, max=2000)],
        description=_l(
            "Your position, your supervisor or head of department, and why you need access. "
            "An administrator of your institution checks this before approving."
        ),
    )
    password = PasswordField(_l("Choose a password"), validators=[InputRequired(), _strong_password])
    confirm = PasswordField(
        _l("Repeat the password"), validators=[InputRequired(), _same_as_password]
    )


class InvitationForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=200)])
    email = EmailField(
        _l("E-mail address"), validators=[InputRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    department = SelectField(_l("Department"), coerce=int)
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired()])


class AcceptInvitationForm(FlaskForm):
    password = PasswordField(_l("Choose a password"), validators=[InputRequired(), _strong_password])
    confirm = PasswordField(
        _l("Repeat the password"), validators=[InputRequired(), _same_as_password]
    )


class ApproveAccountForm(FlaskForm):
    roles = SelectMultipleField(
        _l("Roles to grant"),
        choices=ROLE_CHOICES,
        validators=[InputRequired()],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )


class RefuseAccountForm(FlaskForm):
    reason = TextAreaField(_l("Reason for refusing"), validators=[InputRequired(), Length(max=1000)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=MAX_LENGTH)])
    password = PasswordField(_l("New password"), validators=[InputRequired(), _strong_password])
    confirm = PasswordField(
        _l("Repeat the new password"), validators=[InputRequired(), _same_as_password]
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: it carries only the CSRF token."""


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of your account"),
        validators=[InputRequired(), Email(check_deliverability=False), Length(max=254)],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Choose a new password"), validators=[InputRequired(), _strong_password])
    confirm = PasswordField(
        _l("Repeat the new password"), validators=[InputRequired(), _same_as_password]
    )
    account_email = ""  # set by the view: the new password may not be the address itself


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(message=_l("Enter the code from your app.")), Length(max=40)],
        description=_l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class EnrolForm(FlaskForm):
    code = StringField(
        _l("The 6-digit code your app shows"),
        validators=[InputRequired(message=_l("Enter the code from your app.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    password = PasswordField(
        _l("Your password, to confirm it is you"),
        validators=[InputRequired(message=_l("Enter your password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


FOLLOW_BROWSER = ""  # the choice that clears users.locale


class LanguageForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice(FOLLOW_BROWSER, _l("Follow my browser"))]
        + [SelectChoice(code, name) for code, name in LANGUAGES.items()],
        description=_l("The language of the portal's pages for you, on every device you sign in on."),
    )
