"""Sign-in, second factor and password forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from ctportal.services.accounts.passwords import MAX_LENGTH, password_problems


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(message="Enter your email address."),
                                                    Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password."),
                                                     Length(max=MAX_LENGTH)])


class SecondFactorForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[DataRequired(message="Enter the 6-digit code or a recovery code."), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"},
    )


class EnrolTotpForm(FlaskForm):
    code = StringField(
        "6-digit code shown by your app",
        validators=[DataRequired(message="Enter the 6-digit code your app shows."),
                    Regexp(r"^\s*\d{6}\s*$", message="The code is 6 digits.")],
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
    new_password = PasswordField("New password", validators=[DataRequired(message="Enter a new password.")],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password", validators=[
        DataRequired(message="Repeat the new password."),
        EqualTo("new_password", message="The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired(message="Enter your current password.")], render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[
        DataRequired(message="Enter your email address."), Email(message="Enter a valid email address."),
        Length(max=254)])
