"""WTForms classes. Every form is a FlaskForm, so every POST carries and checks a CSRF token."""
from collections.abc import Iterable
from typing import Any, cast

from flask_wtf import FlaskForm
from wtforms import Field, IntegerField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined] # WTForms 3.3; types-WTForms lags

from ctportal.models.base import MAX_ID


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a SelectField or RadioField (WTForms 3.3 deprecates
    plain tuples; 3.4 refuses them)."""
    return [SelectChoice(value, label) for value, label in pairs]


class IdField(IntegerField):
    """The id of a row, sent in a form or a query string: a whole number from 1 to MAX_ID. Anything
    else (beyond 64 bits, negative, "abc") is an error of this field, never a query PostgreSQL refuses
    with "integer out of range" (a 500)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not 1 <= self.data <= MAX_ID:
            self.data = None
            raise ValueError(self.gettext("Not a valid id."))


def id_choice(value: Any) -> int:
    """`coerce` of a SelectField whose values are ids (0: the "nobody" or "all" choice some offer):
    out of range is a value it cannot take."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError("not a valid id")
    return number


def add_error(field: Field, message: str) -> None:
    """Add a message to a field's errors: after validation WTForms keeps them in a list (its stubs
    promise only a Sequence)."""
    cast(list[str], field.errors).append(message)


def choice_label(field, value: Any) -> str:
    """The label a select or radio field shows for `value` ("" if it offers no such value)."""
    return next((choice.label for choice in field.choices if choice.value == value), "")


class ActionForm(FlaskForm):
    """An empty form for POST-only buttons (logout, submit, approve): it carries the CSRF token."""
