"""The party's answer to one recommendation of the previous round (issue 15, item 2)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.validators import Optional

from ctportal.forms import options

# Lazy labels: the form class is made at import, outside any request's language.
STATUS_CHOICES = [("implemented", _l("Implemented")), ("partly_implemented", _l("Partly implemented")),
                  ("not_implemented", _l("Not implemented")), ("no_longer_relevant", _l("No longer relevant"))]


class FollowUpForm(FlaskForm):
    # Lengths and Markdown are checked by the service (services/reporting/follow_ups.save), which
    # names the field; a missing status is allowed while drafting (the submit check asks for it).
    status = RadioField(_l("How far was it implemented?"), validators=[Optional()],
                        choices=options(STATUS_CHOICES))
    narrative = TextAreaField(_l("What was done"),
                              description=_l("Measures taken, dates, laws adopted, what is still missing. "
                                             "Markdown: **bold**, *italic*, - for a list."))
    version = IntegerField(validators=[Optional()])
    save = SubmitField(_l("Save"))
