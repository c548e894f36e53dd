"""Uploading a document to a report or to one of its entries, and replacing one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined] # WTForms 3.3; types-WTForms lags
from wtforms.validators import Length, ValidationError

from ctportal.models import Sensitivity


CLASSIFIED = _l("classified information (RESTREINT UE/EU RESTRICTED and above, or a national equivalent) "
                "must not be uploaded to this portal: choose Public or LIMITE, or do not upload the document.")


def _held_marking(form, field):
    if field.data not in {s.value for s in Sensitivity.offered()}:
        raise ValidationError(CLASSIFIED if field.data == Sensitivity.restricted.value
                              else _l("choose one of the listed markings."))


def _file_given(form, field):
    if field.data is None or not getattr(field.data, "filename", ""):
        raise ValidationError(_l("choose a file to upload."))


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[_file_given])
    title = StringField(_l("Short description (optional)"),
                        validators=[Length(max=300, message=_l("at most 300 characters."))])
    # Only the markings the portal may hold; the select's own choice check is replaced by
    # _held_marking, so a forged "restricted" is told why.
    sensitivity = SelectField(_l("Sensitivity marking"), default=Sensitivity.limite.value, validate_choice=False,
                              choices=[SelectChoice(s.value, s.title) for s in Sensitivity.offered()],
                              validators=[_held_marking])
    upload = SubmitField(_l("Upload"))


class ReplaceForm(FlaskForm):
    file = FileField(_l("New version of the file"), validators=[_file_given])
    sensitivity = SelectField(_l("Sensitivity marking"), default=Sensitivity.limite.value, validate_choice=False,
                              choices=[SelectChoice(s.value, s.title) for s in Sensitivity.offered()],
                              validators=[_held_marking])
    upload = SubmitField(_l("Upload the new version"))


def entry_page_upload_form(**kwargs) -> UploadForm:
    """The upload on an entry's page: its fields belong to the entry's form (HTML's form= attribute),
    so the file goes with what was typed. Named upload-…, apart from the entry's own fields; no token
    of its own, since the request carries the entry form's (CSRFProtect checks every POST)."""
    return UploadForm(prefix="upload", meta={"csrf": False}, **kwargs)
