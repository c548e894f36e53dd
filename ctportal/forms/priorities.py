"""The form for a partner's priority action."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from ctportal.forms import id_choice
from ctportal.forms.rounds import PortalDateField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class PriorityForm(FlaskForm):
    action_id = SelectField(_l("Linked plan action"), coerce=id_choice,
                            validators=[InputRequired(message=_l("Choose the plan action it belongs to."))])
    text = TextAreaField(_l("Priority action"), validators=[
        DataRequired(message=_l("Describe the priority action.")),
        Length(max=4000, message=_l("Keep the priority action under 4,000 characters."))])
    target_date = PortalDateField(_l("Target date"), validators=[Optional()],
                                  description=_l("Optional. YYYY-MM-DD."))
    agreed_on = PortalDateField(_l("Agreed on"), validators=[Optional()])
    agreed_at = StringField(_l("Agreed at (meeting or place)"), validators=[
        Length(max=200, message=_l("Keep the meeting or place under 200 characters."))])
    arrangement_reference = StringField(_l("Reference of the arrangement"), validators=[
        Length(max=300, message=_l("Keep the reference under 300 characters."))])

    def validate_agreed_on(self, field):
        import datetime as dt
        from wtforms.validators import ValidationError
        if field.data is not None and field.data > dt.date.today():
            raise ValidationError(_l("Agreed on: the date cannot be later than today."))
