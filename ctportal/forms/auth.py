"""Sign-in, second factor and password forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from ctportal.services.accounts.passwords import MAX_LENGTH, password_problems


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(message=_l("Enter your email address.")),
                                                    Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password.")),
                                                     Length(max=MAX_LENGTH)])


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(message=_l("Enter the 6-digit code or a recovery code.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"},
    )


class EnrolTotpForm(FlaskForm):
    code = StringField(
        _l("6-digit code shown by your app"),
        validators=[DataRequired(message=_l("Enter the 6-digit code your app shows.")),
                    Regexp(r"^\s*\d{6}\s*$", message=_l("The code is 6 digits."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class NewPasswordMixin:
    """A new password entered twice and checked against the rules; needs `email_for_rules`."""

    email_for_rules = ""

    def validate_new_password(self, field) -> None:
        problems = password_problems(field.data or "", email=self.email_for_rules)
        if problems:
            raise ValidationError(" ".join(problems))


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(message=_l("Enter a new password."))],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(message=_l("Repeat the new password.")),
        EqualTo("new_password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(message=_l("Enter your current password."))], render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(message=_l("Enter your email address.")), Email(message=_l("Enter a valid email address.")),
        Length(max=254)])
