"""Forms of the work inside a partner (issue 18): institutions, an entry's assignment, its sign-off."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ctportal.forms import id_choice, options
from ctportal.services.partner.institutions import NAME_LIMIT
from ctportal.services.reporting.signoff import NOTE_LIMIT


class DueDateField(DateField):
    """A date typed as YYYY-MM-DD, with an error that names the field and says how to write it."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Due date: write the date as YYYY-MM-DD, such as 2026-12-31.")) from None


class ListedIdField(SelectField):
    """A select of ids whose refusal of a value that is no id names the field (WTForms would say only
    "Invalid Choice: could not coerce"). Which ids are allowed is the service's check."""

    def __init__(self, label, refused, **kwargs):
        super().__init__(label, coerce=id_choice, validate_choice=False, validators=[Optional()], **kwargs)
        self.refused = refused

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self.refused) from None


class InstitutionForm(FlaskForm):
    name = StringField(_l("Name of the institution"), validators=[
        DataRequired(message=_l("Name: enter the institution's name.")),
        Length(max=NAME_LIMIT, message=_l("Name: at most %(limit)s characters are accepted.", limit=NAME_LIMIT))])


class ChangeInstitutionForm(InstitutionForm):
    active = BooleanField(_l("In use (offered when assigning entries)"))


class AssignmentForm(FlaskForm):
    # The service checks the choices (services/partner/assignments.assign), with the same messages.
    assignee_id = ListedIdField(_l("Contributor"),
                                _l("Contributor: choose one of the listed contributors of your party."))
    institution_id = ListedIdField(_l("Institution"),
                                   _l("Institution: choose one of the listed institutions of your party."))
    due_on = DueDateField(_l("Due date"), validators=[Optional()])

    def offer(self, users, institutions) -> AssignmentForm:
        self.assignee_id.choices = options([(0, _l("Nobody")), *((u.id, u.name) for u in users)])
        self.institution_id.choices = options([(0, _l("None")), *((i.id, i.name) for i in institutions)])
        return self


class SignOffForm(FlaskForm):
    """Mark ready, accept, or send back: the entry's version the page showed, and a note for sending back."""

    version = HiddenField()
    note = TextAreaField(_l("Comment for the contributor (seen only inside your party)"), validators=[
        Length(max=NOTE_LIMIT, message=_l("Comment: at most %(limit)s characters are accepted.", limit=NOTE_LIMIT))])


def _form_file_given(form, field):
    if field.data is None or not getattr(field.data, "filename", ""):
        raise ValidationError(_l("Filled-in form: choose the DOCX or XLSX file the institution sent back."))


class OfflineUploadForm(FlaskForm):
    """An institution's filled-in form (DOCX or XLSX), uploaded to see what it would change."""

    file = FileField(_l("Filled-in form (DOCX or XLSX)"), validators=[_form_file_given])


class OfflineConfirmForm(FlaskForm):
    """The confirmation of a previewed form: the signed token names the file held since the preview."""

    token = HiddenField()
