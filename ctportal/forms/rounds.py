"""Forms of the secretariat's desk: a round's details, a deadline extension."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, DataRequired, InputRequired, Length, ValidationError

from ctportal.forms import id_choice


class PortalDateField(DateField):
    """A date typed as YYYY-MM-DD, with an error that says how to write it."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Write the date as YYYY-MM-DD, such as 2026-12-31."))) from None


def _date(label, missing) -> PortalDateField:
    """`missing`: the whole message for an empty field (a sentence per field, for the translations)."""
    return PortalDateField(label, validators=[InputRequired(message=missing)])


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the round's title.")),
                                                Length(max=200)])
    plan_version_id = SelectField(_l("Plan version"), coerce=id_choice,
                                  validators=[InputRequired(message=_l("Choose the plan version."))])
    period_start = _date(_l("Reporting period from"),
                         _l("Enter the start of the reporting period as a date (YYYY-MM-DD)."))
    period_end = _date(_l("Reporting period to"),
                       _l("Enter the end of the reporting period as a date (YYYY-MM-DD)."))
    submission_deadline = _date(_l("Submission deadline"),
                                _l("Enter the submission deadline as a date (YYYY-MM-DD)."))
    review_deadline = _date(_l("Review deadline"), _l("Enter the review deadline as a date (YYYY-MM-DD)."))
    meeting_name = StringField(_l("Ministerial meeting"), validators=[
        DataRequired(message=_l("Enter the name of the meeting the report feeds.")), Length(max=200)])
    meeting_place = StringField(_l("Meeting place"), validators=[
        DataRequired(message=_l("Enter where the meeting takes place.")), Length(max=100)])
    meeting_date = _date(_l("Meeting date"), _l("Enter the date of the meeting as a date (YYYY-MM-DD)."))
    document_number = StringField(_l("Document number"), validators=[
        DataRequired(message=_l("Enter the document number of the consolidated report, such as ST 12345/26.")),
        Length(max=50)])
    cover_from = StringField(_l("“From” on the cover"), validators=[Optional(), Length(
        max=200, message=_l("Keep it under 200 characters."))])
    subject_codes = StringField(_l("Subject codes on the cover"), validators=[Optional(), Length(
        max=200, message=_l("Keep it under 200 characters."))])

    def validate_period_end(self, field) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("The period cannot end before it starts."))

    def validate_review_deadline(self, field) -> None:
        if field.data and self.submission_deadline.data and field.data < self.submission_deadline.data:
            raise ValidationError(_l("The review deadline cannot be before the submission deadline."))

    def validate_meeting_date(self, field) -> None:
        if field.data and self.review_deadline.data and field.data < self.review_deadline.data:
            raise ValidationError(_l("The meeting cannot be before the review deadline."))


class ExtensionForm(FlaskForm):
    party_id = SelectField(_l("Party"), coerce=id_choice, validators=[InputRequired(message=_l("Choose the party."))])
    new_deadline = _date(_l("New submission deadline"), _l("Enter the new deadline as a date (YYYY-MM-DD)."))
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give the reason for the extension.")), Length(max=2000)])
