"""Where a redirect may send the browser: a path on this site, checked one way everywhere.

`next` parameters, form fields and stored notification links all come from outside (a link in a
mail, a tampered form, an old row), so each is treated as an attack until proven a local path.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import url_for


def _unsafe_character(c: str, decoded: bool) -> bool:
    """A control or format character, a line break (also Unicode's: U+2028, U+0085) or, as sent, any
    space: none belongs in a path the portal writes, and a header must never be split by one. Once
    percent-decoded, a plain space is only a search's `%20`."""
    if c.isspace() and not (decoded and c == " "):
        return True
    return unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def is_local_path(target: str | None) -> bool:
    """A path on this site: no scheme or host, not protocol-relative, no backslash, space, line break or
    control character, also once percent-decoded (a proxy or browser that decodes `%2F` or `%5C` must
    not make it a host)."""
    if not target:
        return False
    decoded = target
    for _ in range(3):  # "%252F" decodes twice; three rounds cover what any hop does
        decoded = unquote(decoded)
    for text, was_decoded in ((target, False), (decoded, True)):
        parts = urlsplit(text)
        if (parts.scheme or parts.netloc or not text.startswith("/") or text.startswith("//")
                or "\\" in text or any(_unsafe_character(c, was_decoded) for c in text)):
            return False
    return True


def safe_next(target: str | None, default: str | None = None) -> str:
    """`target` if it is a local path, else `default` (the home page when none is given)."""
    if is_local_path(target):
        return target  # type: ignore[return-value]  # is_local_path refused None
    return default if default is not None else url_for("main.home")
