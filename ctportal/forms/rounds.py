"""Forms of the secretariat's desk: a round's details, a deadline extension."""
from __future__ import annotations

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
            raise ValueError("Write the date as YYYY-MM-DD, such as 2026-12-31.") from None


def _date(label: str, what: str) -> PortalDateField:
    return PortalDateField(label, validators=[InputRequired(message=f"Enter the {what} as a date (YYYY-MM-DD).")])


class RoundForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Enter the round's title."), Length(max=200)])
    plan_version_id = SelectField("Plan version", coerce=id_choice,
                                  validators=[InputRequired(message="Choose the plan version.")])
    period_start = _date("Reporting period from", "start of the reporting period")
    period_end = _date("Reporting period to", "end of the reporting period")
    submission_deadline = _date("Submission deadline", "submission deadline")
    review_deadline = _date("Review deadline", "review deadline")
    meeting_name = StringField("Ministerial meeting", validators=[
        DataRequired(message="Enter the name of the meeting the report feeds."), Length(max=200)])
    meeting_place = StringField("Meeting place", validators=[
        DataRequired(message="Enter where the meeting takes place."), Length(max=100)])
    meeting_date = _date("Meeting date", "date of the meeting")
    document_number = StringField("Document number", validators=[
        DataRequired(message="Enter the document number of the consolidated report, such as ST 12345/26."),
        Length(max=50)])
    cover_from = StringField("“From” on the cover", validators=[Optional(), Length(
        max=200, message="Keep it under 200 characters.")])
    subject_codes = StringField("Subject codes on the cover", validators=[Optional(), Length(
        max=200, message="Keep it under 200 characters.")])

    def validate_period_end(self, field) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError("The period cannot end before it starts.")

    def validate_review_deadline(self, field) -> None:
        if field.data and self.submission_deadline.data and field.data < self.submission_deadline.data:
            raise ValidationError("The review deadline cannot be before the submission deadline.")

    def validate_meeting_date(self, field) -> None:
        if field.data and self.review_deadline.data and field.data < self.review_deadline.data:
            raise ValidationError("The meeting cannot be before the review deadline.")


class ExtensionForm(FlaskForm):
    party_id = SelectField("Party", coerce=id_choice, validators=[InputRequired(message="Choose the party.")])
    new_deadline = _date("New submission deadline", "new deadline")
    reason = TextAreaField("Reason", validators=[
        DataRequired(message="Give the reason for the extension."), Length(max=2000)])
