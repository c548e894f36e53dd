"""Making a webhook (administrators)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length

from ctportal.forms import options
from ctportal.services.messaging.webhooks import EVENTS


class WebhookForm(FlaskForm):
    url = StringField(_l("Address (URL)"), validators=[
        DataRequired(message=_l("Address: enter the https:// address that receives the events.")),
        Length(max=500, message=_l("Address: at most 500 characters."))], render_kw={"inputmode": "url"})
    description = StringField(_l("Description"), validators=[
        Length(max=200, message=_l("Description: at most 200 characters."))])
    events = SelectMultipleField(_l("Events"), choices=options(EVENTS.items()),
                                 widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
                                 validators=[DataRequired(message=_l("Events: choose at least one event."))])
