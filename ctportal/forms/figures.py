"""The Commission's form to add an indicator to an action for one round (issue 18, item 4)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ctportal.domain import indicators as ind
from ctportal.forms import options


class IndicatorForm(FlaskForm):
    action_code = SelectField(_l("Action"), validate_choice=False,
                              validators=[DataRequired(message=_l("Choose the action the figure is about."))])
    name = StringField(_l("Name of the indicator"), validators=[
        DataRequired(message=_l("Give the indicator a name.")),
        Length(max=200, message=_l("Keep the name under 200 characters."))],
        description=_l("What is counted, for example “Returnees in reintegration programmes”."))
    unit = SelectField(_l("Unit"), validate_choice=False)
    disaggregation = SelectField(_l("Disaggregation"), validate_choice=False)
    submit = SubmitField(_l("Add the indicator"))

    def fill_choices(self, actions: list[tuple[str, str]]) -> None:
        from flask_babel import gettext
        self.action_code.choices = options([("", gettext("— choose an action —")), *actions])
        self.unit.choices = options((u.name, gettext(u.label)) for u in ind.UNITS.values())
        self.disaggregation.choices = options((k, gettext(v)) for k, v in ind.DISAGGREGATION_LABELS.items())
