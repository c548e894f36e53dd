"""How the portal writes dates, on screens, in PDFs and in mail: "5 March 2026", never "05 March".

English (the default, and always the PDFs' and exports') keeps the Council documents' own form; the
other languages follow their CLDR conventions through Babel ("5. mart 2026", "5 март 2026 г."), without
the year's closing period where the sentence has its own (`_without_year_period`).
`locale` is a Babel locale name (domain/languages.py, `babel_locale`).
"""
from __future__ import annotations

import datetime as dt

from babel import dates as babel_dates
from babel import numbers as babel_numbers

ENGLISH = "en"


def long_date(value: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """"5 March 2026": the date as Council documents print it (no leading zero)."""
    if value is None:
        return ""
    if locale is None or locale == ENGLISH:
        return f"{value.day} {value:%B %Y}"
    day = value.date() if isinstance(value, dt.datetime) else value
    return _without_year_period(babel_dates.format_date(day, "long", locale=locale))


def _without_year_period(text: str) -> str:
    """CLDR ends the Serbian, Bosnian and Montenegrin forms with the year's ordinal period ("5. mart
    2026."); the portal's sentences put their own punctuation after a date, which then read
    "2026.." or "2026., 09:05". Within running text and tables the year goes without it."""
    return text[:-1] if text.endswith(".") and text[-2:-1].isdigit() else text


def long_datetime(value: dt.datetime | None, locale: str | None = None) -> str:
    """"5 Mar 2026, 09:30 UTC": a moment, for trails and lists (times are stored in UTC)."""
    if value is None:
        return ""
    if locale is None or locale == ENGLISH:
        return f"{value.day} {value:%b %Y, %H:%M} UTC"
    return f"{_without_year_period(babel_dates.format_date(value.date(), 'medium', locale=locale))}, {value:%H:%M} UTC"


def number(value: int | float | None, locale: str | None = None) -> str:
    """A count or amount with the locale's digit grouping ("1,234", "1.234", "1 234")."""
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=locale or ENGLISH)


def iso_long_date(value: str | None, locale: str | None = None) -> str:
    """A snapshot's ISO date (or date-time) string as a long date; text that is not a date stays as it is."""
    if not value:
        return ""
    try:
        return long_date(dt.date.fromisoformat(value[:10]), locale)
    except ValueError:
        return value
