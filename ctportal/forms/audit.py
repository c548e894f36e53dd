"""Searching the audit trail (a GET form: a search is a link one can share)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from ctportal.forms import IdField
from ctportal.forms.rounds import PortalDateField
from wtforms import SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing

    user = StringField(_l("User (email contains)"), validators=[Optional(), Length(max=254)])
    party = SelectField(_l("Party"), coerce=str, validators=[Optional()])
    object_type = SelectField(_l("Object type"), coerce=str, validators=[Optional()])
    object_id = IdField(_l("Object id"),
                        validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number from 1."))])
    action = StringField(_l("Action (or its beginning, such as round.)"), validators=[Optional(), Length(max=60)])
    since = PortalDateField(_l("From"), validators=[Optional()])
    until = PortalDateField(_l("To"), validators=[Optional()])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(str(_l("The end of the period cannot be before its start.")))
