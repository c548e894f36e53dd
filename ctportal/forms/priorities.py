"""The form for a partner's priority action."""
from __future__ import annotations

from flask_wtf import FlaskForm
from ctportal.forms import id_choice
from ctportal.forms.rounds import PortalDateField
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class PriorityForm(FlaskForm):
    action_id = SelectField("Linked plan action", coerce=id_choice,
                            validators=[InputRequired(message="Choose the plan action it belongs to.")])
    text = TextAreaField("Priority action", validators=[
        DataRequired(message="Describe the priority action."), Length(max=4000)])
    target_date = PortalDateField("Target date", validators=[Optional()],
                            description="Optional. YYYY-MM-DD.")
