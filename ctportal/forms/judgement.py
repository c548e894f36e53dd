"""The form of one Commission text: body (Markdown), overall assessment, numbered recommendations.

Recommendations are rows of fixed fields (rec_1_body, rec_1_codes, ...), as many as the text has
plus a few empty ones: the form works without JavaScript and each error names its own row."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from ctportal.forms import options
from ctportal.models import Assessment

EMPTY_ROWS = 3
MAX_ROWS = 20


class TextFormBase(FlaskForm):
    body = TextAreaField(_l("Text"),
                         validators=[Length(max=20_000, message=_l("Keep the text under 20,000 characters."))])
    assessment = SelectField(_l("Overall assessment"),
                             # A callable: the names are made in the reader's language, per form.
                             choices=lambda: options([("", _l("Not assessed yet"))]
                                                     + [(a.value, a.title) for a in Assessment]),
                             default="", validators=[Optional()])
    version = IntegerField(validators=[Optional()])
    rows = HiddenField()
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save as draft"))

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
            _l("Recommendation %(num)d", num=n),
            validators=[Length(max=2_000, message=_l("Keep it under 2,000 characters."))]))
        setattr(TextForm, f"rec_{n}_codes", StringField(
            _l("Recommendation %(num)d: action codes", num=n),
            validators=[Length(max=300, message=_l("Keep it under 300 characters."))],
            description=_l("One or more codes of the plan, separated by commas: for example 2.P1, 3.P4.")))
    return TextForm(**kwargs)


class ApproveTextForm(FlaskForm):
    version = IntegerField(validators=[Optional()])
