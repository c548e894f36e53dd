"""One way to write dates: screens, PDFs and mail all read ctportal/domain/formatting.py."""
import datetime as dt

from ctportal.domain.formatting import iso_long_date, long_date, long_datetime


def test_long_date_has_no_leading_zero():
    assert long_date(dt.date(2026, 3, 5)) == "5 March 2026"
    assert long_date(dt.date(2026, 11, 30)) == "30 November 2026"
    assert long_date(dt.datetime(2026, 3, 5, 23, 59)) == "5 March 2026"
    assert long_date(None) == ""


def test_long_datetime_keeps_the_minutes_zero_padded():
    assert long_datetime(dt.datetime(2026, 3, 5, 9, 5)) == "5 Mar 2026, 09:05 UTC"
    assert long_datetime(None) == ""


def test_snapshot_dates_are_read_from_iso_text():
    assert iso_long_date("2026-03-05") == "5 March 2026"
    assert iso_long_date("2026-03-05T08:00:00+00:00") == "5 March 2026"
    assert iso_long_date("soon") == "soon"
    assert iso_long_date(None) == ""


def test_the_template_filters_are_the_same_functions(app):
    assert app.jinja_env.filters["date"] is long_date
    assert app.jinja_env.filters["datetime"] is long_datetime
    rendered = app.jinja_env.from_string("{{ d|date }}").render(d=dt.date(2026, 3, 5))
    assert rendered == "5 March 2026"
