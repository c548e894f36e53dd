"""Uploading a revised plan catalogue."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class CatalogueUploadForm(FlaskForm):
    catalogue = FileField(_l("Catalogue file (YAML)"),
                          validators=[FileRequired(message=_l("Choose the catalogue file to load."))])
