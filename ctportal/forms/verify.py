"""The public verification page's form: one PDF to check against the portal's editions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField
from wtforms.validators import ValidationError


def _file_given(form, field):
    if field.data is None or not getattr(field.data, "filename", ""):
        raise ValidationError(_l("choose the PDF file to check."))


class VerifyForm(FlaskForm):
    file = FileField(_l("PDF file to check"), validators=[_file_given])
    check = SubmitField(_l("Check the file"))
