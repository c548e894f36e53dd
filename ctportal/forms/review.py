"""Forms of the review round: comments, verdicts, reasons, assignment, queue filters."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SelectField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ctportal.domain import entry_fields
from ctportal.forms import IdField, id_choice, options
from ctportal.models import Assessment, Verdict, Visibility


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired("Write a comment before sending it."),
                                                Length(max=10000, message="Keep a comment under 10,000 characters.")])
    # Offered to the Commission only; the service refuses an internal comment from anyone else. No
    # default: a Commission user chooses each time (a party's form sends "shared" as a hidden field).
    visibility = RadioField("Who sees it", choices=options((v.value, v.title) for v in Visibility),
                            validators=[InputRequired("Choose who sees it: shared with the party, or internal.")])
    parent_id = IdField("In reply to", validators=[Optional()])
    next = HiddenField()


class EntryReviewForm(FlaskForm):
    verdict = RadioField("Verdict", choices=options([("", "Not decided yet")] + [(v.value, v.title) for v in Verdict]),
                         default="", validators=[Optional()])
    assessment = SelectField("Commission's assessment",
                             choices=options([("", "Not assessed")] + [(a.value, a.title) for a in Assessment]),
                             default="", validators=[Optional()])
    note = TextAreaField("Note on the assessment",
                         validators=[Length(max=2000, message="Keep the note under 2,000 characters.")])
    report_summary = TextAreaField("Key progress in the consolidated report", validators=[Length(
        max=entry_fields.SUMMARY.limit, message=f"Keep it under {entry_fields.SUMMARY.limit} characters.")])
    revision_id = IdField(validators=[InputRequired()])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired("Give a reason."),
                                                 Length(max=5000, message="Keep the reason under 5,000 characters.")])
    state_version = IntegerField(validators=[InputRequired()])


class ApproveForm(FlaskForm):
    state_version = IntegerField(validators=[InputRequired()])
    # The token of the summary the confirmation page states (services/review/confirmation.py).
    confirmed = HiddenField()


class AcceptAllForm(FlaskForm):
    keys = HiddenField()
    revision_id = IdField(validators=[InputRequired()])


class AssignForm(FlaskForm):
    reviewer_id = SelectField("Assigned reviewer", coerce=id_choice, validators=[Optional()])


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    round = SelectField("Round", coerce=id_choice, validators=[Optional()])
    party = SelectField("Party", coerce=id_choice, validators=[Optional()])
    state = SelectField("State", choices=options([("submitted", "Awaiting review"),
                                                  ("changes_requested", "Changes requested"),
                                                  ("approved", "Approved"), ("all", "All states")]),
                        default="submitted", validators=[Optional()])
    mine = BooleanField("Assigned to me")
