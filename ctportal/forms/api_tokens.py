"""Making a personal API token on the account page."""
from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ctportal.services.accounts.api_tokens import NAME_MAX


def _within_max_days(form, field) -> None:
    most = current_app.config["API_TOKEN_MAX_DAYS"]
    if field.data is not None and not 1 <= field.data <= most:
        raise ValidationError(f"Valid for: between 1 and {most} days.")


class DaysField(IntegerField):
    """A whole number of days; the error for anything else names the field."""

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError("Valid for: enter a whole number of days.") from None


class ApiTokenForm(FlaskForm):
    name = StringField("Token name", validators=[
        DataRequired(message="Token name: give the token a name, so you can tell it apart later."),
        Length(max=NAME_MAX, message=f"Token name: at most {NAME_MAX} characters.")],
        render_kw={"autocomplete": "off"})
    days = DaysField("Valid for (days)", validators=[
        InputRequired(message="Valid for: enter a number of days."), _within_max_days],
        render_kw={"inputmode": "numeric"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.days.data is None and not self.is_submitted():
            self.days.data = current_app.config["API_TOKEN_DEFAULT_DAYS"]
