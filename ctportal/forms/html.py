"""WTForms' attribute rendering, the same output for less CPU (issue 14: the entry form's fields).

`wtforms.widgets.core.html_params` builds each attribute with `Markup.format`, whose escaping
formatter costs more than the rest of a field's rendering; the entry form renders ≈ 90 attribute
lists a view. `html_params` below returns the very same markup (same order, same escaping: the
key escaped, the value escaped unless it is markup already, then its `"` as `&quot;`), built with
plain string operations. `install()` puts it where WTForms looks it up: the widgets module's
global, the package's name (labels use it) and the `html_params` staticmethods of Input and Button.
tests/test_forms_html.py compares the two.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
import wtforms.widgets
from wtforms.widgets import core as _core

core: Any = _core  # its stubs (types-WTForms) lack clean_key and Button

_original = core.html_params


def html_params(**kwargs: Any) -> Markup:
    params = []
    for k, v in sorted(kwargs.items()):
        k = core.clean_key(k)
        if v is True:
            params.append(str(escape(k)))
        elif v is False:
            continue
        else:
            params.append(f'{escape(k)}="{str(escape(v)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))  # noqa: S704 — every key and value escaped above, as WTForms does


def install() -> None:
    core.html_params = html_params
    wtforms.widgets.html_params = html_params
    for widget in (core.Input, core.Button):
        if widget.__dict__.get("html_params") is not None:
            widget.html_params = staticmethod(html_params)
