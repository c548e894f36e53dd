"""WTForms classes. Every form is a FlaskForm, so every POST carries and checks a CSRF token."""
from collections.abc import Iterable
from typing import Any, cast

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined] # WTForms 3.3; types-WTForms lags


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a SelectField or RadioField (WTForms 3.3 deprecates
    plain tuples; 3.4 refuses them)."""
    return [SelectChoice(value, label) for value, label in pairs]


def add_error(field: Field, message: str) -> None:
    """Add a message to a field's errors: after validation WTForms keeps them in a list (its stubs
    promise only a Sequence)."""
    cast(list[str], field.errors).append(message)


def choice_label(field, value: Any) -> str:
    """The label a select or radio field shows for `value` ("" if it offers no such value)."""
    return next((choice.label for choice in field.choices if choice.value == value), "")


class ActionForm(FlaskForm):
    """An empty form for POST-only buttons (logout, submit, approve): it carries the CSRF token."""
