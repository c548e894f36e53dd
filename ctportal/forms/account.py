"""The user's own account: password, two-step sign-in."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from ctportal.forms.auth import ChangePasswordForm  # noqa: F401 - re-exported; it lives with the sign-in rules
from ctportal.services.accounts.passwords import MAX_LENGTH


class ConfirmPasswordForm(FlaskForm):
    """Asks for the current password again before a change that weakens or resets sign-in."""

    password = PasswordField(_l("Your current password"), validators=[
        DataRequired(message=_l("Enter your current password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"})


class EnableTotpForm(FlaskForm):
    code = StringField(
        _l("6-digit code shown by your app"),
        validators=[DataRequired(message=_l("Enter the 6-digit code your app shows.")),
                    Regexp(r"^\s*\d{6}\s*$", message=_l("The code is 6 digits."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
