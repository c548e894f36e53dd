"""Searching the audit trail (a GET form: a search is a link one can share)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from ctportal.forms import IdField
from ctportal.forms.rounds import PortalDateField
from wtforms import SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing

    user = StringField("User (email contains)", validators=[Optional(), Length(max=254)])
    party = SelectField("Party", coerce=str, validators=[Optional()])
    object_type = SelectField("Object type", coerce=str, validators=[Optional()])
    object_id = IdField("Object id",
                             validators=[Optional(), NumberRange(min=1, message="Enter a whole number from 1.")])
    action = StringField("Action (or its beginning, such as round.)", validators=[Optional(), Length(max=60)])
    since = PortalDateField("From", validators=[Optional()])
    until = PortalDateField("To", validators=[Optional()])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end of the period cannot be before its start.")
