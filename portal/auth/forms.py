from __future__ import annotations

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


def _strong_password(form: FlaskForm, field: PasswordField) -> None:
    email = form.email.data if hasattr(form, "email") else getattr(form, "account_email", "")
    problem = password_problem(field.data or "", email=email or "")
    if problem:
        raise ValidationError(problem)


ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class SignInForm(FlaskForm):
    email = EmailField("E-mail address", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=MAX_LENGTH)])


class AccountRequestForm(FlaskForm):
    name = StringField("Full name", validators=[InputRequired(), Length(max=200)])
    email = EmailField(
        "Institutional e-mail address", validators=[InputRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    affiliation = SelectField("Institution and department", validators=[InputRequired()])
    requested_role = SelectField("Role you are asking for", choices=ROLE_CHOICES, validators=[InputRequired()])
    affiliation_statement = TextAreaField(
        "Statement of affiliation",
        validators=[InputRequired(), Length(min=20, max=2000)],
        description="Your position, your supervisor or head of department, and why you need access. "
        "An administrator of your institution checks this before approving.",
    )
    password = PasswordField("Choose a password", validators=[InputRequired(), _strong_password])
    confirm = PasswordField(
        "Repeat the password", validators=[InputRequired(), EqualTo("password", "The passwords do not match.")]
    )


class InvitationForm(FlaskForm):
    name = StringField("Full name", validators=[InputRequired(), Length(max=200)])
    email = EmailField(
        "E-mail address", validators=[InputRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    department = SelectField("Department", coerce=int)
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[InputRequired()])


class AcceptInvitationForm(FlaskForm):
    password = PasswordField("Choose a password", validators=[InputRequired(), _strong_password])
    confirm = PasswordField(
        "Repeat the password", validators=[InputRequired(), EqualTo("password", "The passwords do not match.")]
    )


class ApproveAccountForm(FlaskForm):
    roles = SelectMultipleField(
        "Roles to grant",
        choices=ROLE_CHOICES,
        validators=[InputRequired()],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )


class RefuseAccountForm(FlaskForm):
    reason = TextAreaField("Reason for refusing", validators=[InputRequired(), Length(max=1000)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[InputRequired(), Length(max=MAX_LENGTH)])
    password = PasswordField("New password", validators=[InputRequired(), _strong_password])
    confirm = PasswordField(
        "Repeat the new password", validators=[InputRequired(), EqualTo("password", "The passwords do not match.")]
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: it carries only the CSRF token."""


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "E-mail address of your account",
        validators=[InputRequired(), Email(check_deliverability=False), Length(max=254)],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField("Choose a new password", validators=[InputRequired(), _strong_password])
    confirm = PasswordField(
        "Repeat the new password", validators=[InputRequired(), EqualTo("password", "The passwords do not match.")]
    )
    account_email = ""  # set by the view: the new password may not be the address itself


class SecondFactorForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[InputRequired(message="Enter the code from your app."), Length(max=40)],
        description="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class EnrolForm(FlaskForm):
    code = StringField(
        "The 6-digit code your app shows",
        validators=[InputRequired(message="Enter the code from your app."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    password = PasswordField(
        "Your password, to confirm it is you",
        validators=[InputRequired(message="Enter your password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
