"""How the portal writes dates, on screens, in PDFs and in mail: "5 March 2026", never "05 March"."""
from __future__ import annotations

import datetime as dt


def long_date(value: dt.date | dt.datetime | None) -> str:
    """"5 March 2026": the date as Council documents print it (no leading zero)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def long_datetime(value: dt.datetime | None) -> str:
    """"5 Mar 2026, 09:30 UTC": a moment, for trails and lists (times are stored in UTC)."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y, %H:%M} UTC"


def iso_long_date(value: str | None) -> str:
    """A snapshot's ISO date (or date-time) string as a long date; text that is not a date stays as it is."""
    if not value:
        return ""
    try:
        return long_date(dt.date.fromisoformat(value[:10]))
    except ValueError:
        return value
