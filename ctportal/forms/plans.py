"""Uploading a revised plan catalogue."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class CatalogueUploadForm(FlaskForm):
    catalogue = FileField("Catalogue file (YAML)",
                          validators=[FileRequired(message="Choose the catalogue file to load.")])
