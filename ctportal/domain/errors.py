"""The one base class of the errors a rule of the portal raises to refuse an operation.

A service raises a DomainError subclass with a message written for the user (it is shown as it
is) and, where the refusal concerns one form field, that field's name. Views do not catch them
one by one: `ctportal/web/refusals.py` answers them in one of three ways (flash and redirect, an
error on the form's field, or an error page with `status`).
"""
from __future__ import annotations


class DomainError(Exception):
    status = 400  # the error page's status, when no view answers the error more closely

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
