"""The form of a follow-up process as the Commission records it (issue 15, item 5).

The parties and recommendations offered depend on the round: the view sets their choices. Their own
checks are the service's (services/review/processes.check), whose errors name the field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import Optional

from ctportal.forms import options
from ctportal.forms.rounds import PortalDateField
from ctportal.models import ProcessKind


class ProcessForm(FlaskForm):
    kind = SelectField(_l("Kind of process"), validate_choice=False,
                       choices=lambda: options([("", _l("Choose…"))] + [(k.value, k.title) for k in ProcessKind]))
    title = StringField(_l("Title"))
    held_on = PortalDateField(_l("Held on"), validators=[Optional()])
    ends_on = PortalDateField(_l("Last day (optional)"), validators=[Optional()])
    place = StringField(_l("Place"))
    parties = SelectMultipleField(_l("Parties concerned"), validate_choice=False, choices=[])
    action_codes = StringField(_l("Linked actions"),
                               description=_l("Codes of the plan, separated by commas: for example 2.P1, 3.P4."))
    recommendations = SelectMultipleField(_l("Linked recommendations"), validate_choice=False, choices=[])
    participants = TextAreaField(_l("Participants (internal to the Commission)"))
    summary = TextAreaField(_l("Outcome summary"))
    internal_notes = TextAreaField(_l("Internal notes (never shown to a party)"))
    report = FileField(_l("Report document"))
    report_shared = BooleanField(_l("Share the report document with the parties concerned"))
    version = IntegerField(validators=[Optional()])
    save = SubmitField(_l("Save the record"))
