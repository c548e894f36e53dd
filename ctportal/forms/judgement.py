"""The form of one Commission text: body (Markdown), overall assessment, numbered recommendations.

Recommendations are rows of fixed fields (rec_1_body, rec_1_codes, ...), as many as the text has
plus a few empty ones: the form works without JavaScript and each error names its own row."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from ctportal.forms import options
from ctportal.models import Assessment

EMPTY_ROWS = 3
MAX_ROWS = 20


class TextFormBase(FlaskForm):
    body = TextAreaField("Text", validators=[Length(max=20_000, message="Keep the text under 20,000 characters.")])
    assessment = SelectField("Overall assessment",
                             choices=options([("", "Not assessed yet")] + [(a.value, a.title) for a in Assessment]),
                             default="", validators=[Optional()])
    version = IntegerField(validators=[Optional()])
    rows = HiddenField()
    preview = SubmitField("Preview")
    save = SubmitField("Save as draft")

    def recommendation_rows(self) -> list[tuple[int, Field, Field]]:
        return [(n, self[f"rec_{n}_body"], self[f"rec_{n}_codes"]) for n in range(1, MAX_ROWS + 1)
                if f"rec_{n}_body" in self._fields]


def text_form(rows: int, **kwargs: object) -> TextFormBase:
    """The form with `rows` recommendation rows (0 for a text that carries none)."""
    rows = max(0, min(MAX_ROWS, rows))

    class TextForm(TextFormBase):
        pass

    for n in range(1, rows + 1):
        setattr(TextForm, f"rec_{n}_body", TextAreaField(
            f"Recommendation {n}", validators=[Length(max=2_000, message="Keep it under 2,000 characters.")]))
        setattr(TextForm, f"rec_{n}_codes", StringField(
            f"Recommendation {n}: action codes", validators=[Length(max=300, message="Keep it under 300 characters.")],
            description="One or more codes of the plan, separated by commas: for example 2.P1, 3.P4."))
    return TextForm(**kwargs)


class ApproveTextForm(FlaskForm):
    version = IntegerField(validators=[Optional()])
