"""Forms of the review round: comments, verdicts, reasons, assignment, queue filters.

Labels and messages are lazy (the classes are made at import); the choices named after a state
(a verdict, an assessment, a visibility) are set per form, when it is made in a request, so that
they are in the page's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SelectField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ctportal.domain import entry_fields
from ctportal.forms import IdField, id_choice, options
from ctportal.models import Assessment, Verdict, Visibility


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[
        DataRequired(_l("Write a comment before sending it.")),
        Length(max=10000, message=_l("Keep a comment under 10,000 characters."))])
    # Offered to the Commission only; the service refuses an internal comment from anyone else. No
    # default: a Commission user chooses each time (a party's form sends "shared" as a hidden field).
    visibility = RadioField(_l("Who sees it"), choices=options((v.value, v.title) for v in Visibility),
                            validators=[InputRequired(_l("Choose who sees it: shared with the party, or internal."))])
    parent_id = IdField(_l("In reply to"), validators=[Optional()])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.visibility.choices = options((v.value, v.title) for v in Visibility)


class EntryReviewForm(FlaskForm):
    verdict = RadioField(_l("Verdict"), choices=[], default="", validators=[Optional()])
    assessment = SelectField(_l("Commission's assessment"), choices=[], default="", validators=[Optional()])
    note = TextAreaField(_l("Note on the assessment"),
                         validators=[Length(max=2000, message=_l("Keep the note under 2,000 characters."))])
    report_summary = TextAreaField(_l("Key progress in the consolidated report"), validators=[Length(
        max=entry_fields.SUMMARY.limit,
        message=_l("Keep it under %(num)s characters.", num=entry_fields.SUMMARY.limit))])
    revision_id = IdField(validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.verdict.choices = options([("", _l("Not decided yet"))] + [(v.value, v.title) for v in Verdict])
        self.assessment.choices = options([("", _l("Not assessed"))] + [(a.value, a.title) for a in Assessment])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Give a reason.")), Length(max=5000, message=_l("Keep the reason under 5,000 characters."))])
    state_version = IntegerField(validators=[InputRequired()])


class ApproveForm(FlaskForm):
    state_version = IntegerField(validators=[InputRequired()])
    # The token of the summary the confirmation page states (services/review/confirmation.py).
    confirmed = HiddenField()


class AcceptAllForm(FlaskForm):
    keys = HiddenField()
    revision_id = IdField(validators=[InputRequired()])


class AssignForm(FlaskForm):
    reviewer_id = SelectField(_l("Assigned reviewer"), coerce=id_choice, validators=[Optional()])


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    round = SelectField(_l("Round"), coerce=id_choice, validators=[Optional()])
    party = SelectField(_l("Party"), coerce=id_choice, validators=[Optional()])
    state = SelectField(_l("State"), choices=options([("submitted", _l("Awaiting review")),
                                                      ("changes_requested", _l("Changes requested")),
                                                      ("approved", _l("Approved")), ("all", _l("All states"))]),
                        default="submitted", validators=[Optional()])
    mine = BooleanField(_l("Assigned to me"))
