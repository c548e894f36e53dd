"""What an account keeps about how the portal speaks to it: its language (issue 17)."""
from __future__ import annotations

from ctportal.domain import languages
from ctportal.domain.errors import DomainError
from ctportal.models import User, db


class PreferenceError(DomainError, ValueError):
    """A preference the portal does not offer."""


def set_language(user: User, code: str) -> None:
    """Keep `code` as the account's language; screens and the account's mail follow it."""
    if code not in languages.BY_CODE:
        raise PreferenceError(f"The portal does not offer the language {code!r}.", field="language")
    user.language = code
    db.session.flush()
