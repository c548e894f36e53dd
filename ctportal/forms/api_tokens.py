"""Making a personal API token on the account page."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ctportal.services.accounts.api_tokens import NAME_MAX


def _within_max_days(form, field) -> None:
    most = current_app.config["API_TOKEN_MAX_DAYS"]
    if field.data is not None and not 1 <= field.data <= most:
        raise ValidationError(_("Valid for: between 1 and %(most)s days.", most=most))


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
            raise ValueError(_("Valid for: enter a whole number of days.")) from None


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[
        DataRequired(message=_l("Token name: give the token a name, so you can tell it apart later.")),
        Length(max=NAME_MAX, message=_l("Token name: at most %(most)s characters.", most=NAME_MAX))],
        render_kw={"autocomplete": "off"})
    days = DaysField(_l("Valid for (days)"), validators=[
        InputRequired(message=_l("Valid for: enter a number of days.")), _within_max_days],
        render_kw={"inputmode": "numeric"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.days.data is None and not self.is_submitted():
            self.days.data = current_app.config["API_TOKEN_DEFAULT_DAYS"]
