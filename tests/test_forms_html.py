"""ctportal/forms/html.py: the portal's html_params gives exactly WTForms' own markup, and is the one used."""
from __future__ import annotations

import pytest
import wtforms.widgets
from flask_babel import lazy_gettext
from markupsafe import Markup
from wtforms import Form, SelectField, StringField, SubmitField, TextAreaField
from wtforms.widgets import core

from ctportal.forms import html, options

CASES = [
    {},
    {"name": "text1", "id": "f", "class_": "text"},
    {"checked": True, "readonly": False, "name": "text1", "abc": "hello"},
    {"data_attr": "user.name", "aria_labeledby": "name", "aria_describedby": "a-hint a-error"},
    {"value": 'He said "no" & <left>', "title": "l'été", "for_": "x"},
    {"value": Markup('<b class="x">bold</b>'), "placeholder": Markup("a &amp; b")},
    {"rows": 12, "maxlength": 0, "value": None, "step": 1.5},
    {"data_markdown": "1", "render": lazy_gettext("Save"), "class_": "form-control is-invalid"},
    {"k<e>y": "v", 'q"': True},
]


@pytest.mark.parametrize("kwargs", CASES)
def test_the_same_markup_as_wtforms(app, kwargs):
    ours, theirs = html.html_params(**kwargs), html._original(**kwargs)
    assert ours == theirs
    assert isinstance(ours, Markup)


def test_installed_where_wtforms_looks_it_up(app):
    assert core.html_params is html.html_params
    assert wtforms.widgets.html_params is html.html_params
    assert core.Input.html_params is html.html_params
    assert core.Button.html_params is html.html_params


def test_fields_render_as_before(app):
    class F(Form):
        name = StringField("Name", render_kw={"data_x": 'a"b'})
        text = TextAreaField("Text", render_kw={"rows": 3})
        pick = SelectField("Pick", choices=options([("a", "A & B"), ("b", '"B"')]))
        go = SubmitField("Go")

    form = F(data={"name": "<x>", "text": "t", "pick": "b"})
    rendered = [str(form.name(class_="c")), str(form.text()), str(form.pick()), str(form.go()), str(form.name.label())]
    html_now = "".join(rendered)
    core.html_params = wtforms.widgets.html_params = html._original
    core.Input.html_params = core.Button.html_params = staticmethod(html._original)  # type: ignore[method-assign]
    try:
        before = "".join([str(form.name(class_="c")), str(form.text()), str(form.pick()), str(form.go()),
                          str(form.name.label())])
    finally:
        html.install()
    assert html_now == before
    assert 'data-x="a&#34;b"' in html_now and 'value="&lt;x&gt;"' in html_now
