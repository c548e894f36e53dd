"""Mail is written in its recipient's language (issue 17), whoever's request sends it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_babel import force_locale

from ctportal.domain import languages


@contextmanager
def written_for(user: Any, fallback: str | None = None) -> Iterator[None]:
    """Templates and gettext inside speak `user`'s language: the account's, else `fallback` (the
    page the request came from, e.g. the forgotten-password form), else English."""
    code = getattr(user, "language", None) or fallback or languages.DEFAULT
    with force_locale(languages.get(code).babel_locale):
        yield
