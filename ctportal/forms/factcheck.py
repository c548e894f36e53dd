"""The fact-check of a draft edition (issue 15, item 4): the secretariat's end date, a party's correction."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from ctportal.forms import options
from wtforms import DateField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Optional


class FactcheckPeriodForm(FlaskForm):
    # Checked by the service (factcheck.open_period), which names the field in its message.
    ends_on = DateField(_l("Last day for corrections"), validators=[Optional()])
    submit = SubmitField(_l("Open the fact-check"))


class CorrectionForm(FlaskForm):
    # Choices are the actions of the party's annex (set by the view); checked by the service too.
    action_code = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    body = TextAreaField(_l("Correction"),
                         description=_l("What is factually wrong in the draft, and what is right."))
    submit = SubmitField(_l("Send the correction"))


class ResolveForm(FlaskForm):
    # Checked by the service (factcheck.resolve), which names the field.
    outcome = RadioField(_l("Outcome"), validators=[Optional()], validate_choice=False,
                         choices=options([("accepted", _l("Accepted")), ("not_accepted", _l("Not accepted"))]))
    reply = TextAreaField(_l("Reply to the party"))
    submit = SubmitField(_l("Save the answer"))
