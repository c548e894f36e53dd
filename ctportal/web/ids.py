"""Ids in URLs: one converter for every route.

Every `<int:...>` in a route is this converter (create_app installs it as `int`), so an id that
no table can hold — beyond PostgreSQL's `integer`, 2^31 - 1, or beyond 64 bits, or zero — is a
missing object: 404, exactly like an id that fits and does not exist, on either database.
Without it, PostgreSQL refuses the query ("integer out of range") and the answer is a 500.
"""
from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from ctportal.models.base import MAX_ID  # the largest value of PostgreSQL's `integer`, every primary key's type

__all__ = ["MAX_ID", "IdConverter", "is_storable_id"]


def _at_most(limit: int) -> str:
    """A regular expression for the decimal numbers 1..limit, without leading zeros."""
    digits = str(limit)
    parts = [f"[1-9]\\d{{0,{len(digits) - 2}}}"]  # every number with fewer digits
    for i, digit in enumerate(digits):
        low = "1" if i == 0 else "0"
        if int(digit) > int(low):
            rest = len(digits) - i - 1
            parts.append(f"{digits[:i]}[{low}-{int(digit) - 1}]" + (f"\\d{{{rest}}}" if rest else ""))
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class IdConverter(IntegerConverter):
    # The bound is in the pattern, not only in to_python: werkzeug answers 405 instead of 404 when
    # a value matches a pattern, fails conversion, and the path has a rule for another method.
    regex = _at_most(MAX_ID)

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def is_storable_id(value: int) -> bool:
    """Whether `value` can be an id at all (for ids that arrive in forms and query strings)."""
    return 1 <= value <= MAX_ID
