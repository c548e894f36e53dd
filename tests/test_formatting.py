"""One way to write dates: screens, PDFs and mail all read ctportal/domain/formatting.py."""
import datetime as dt

from flask_babel import refresh

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


def test_the_template_filters_are_the_same_functions_in_the_readers_locale(app):
    """The filters call formatting.py with the page's locale (issue 17): English output as before."""
    template = app.jinja_env.from_string("{{ d|date }} · {{ t|datetime }} · {{ n|number }}")
    values = dict(d=dt.date(2026, 3, 5), t=dt.datetime(2026, 3, 5, 9, 5), n=1234)
    for language, expected in (("", f"{long_date(values['d'])} · {long_datetime(values['t'])} · 1,234"),
                               ("sr", "5. март 2026 · 5. 3. 2026, 09:05 UTC · 1.234"),
                               ("mk", "5 март 2026 г. · 5 мар. 2026 г., 09:05 UTC · 1.234")):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            refresh()  # what each real request does first (web/i18n.py): the test shares one `g`
            assert " ".join(template.render(**values).split()) == expected  # CLDR spaces are no-break


def test_long_date_in_each_locale_follows_cldr():
    assert long_date(dt.date(2026, 3, 5), "sq") == "5 mars 2026"
    assert long_date(dt.date(2026, 3, 5), "sr_Latn") == "5. mart 2026"  # the year's period left to the sentence
    for locale in ("sr", "sr_Latn", "bs", "sr_Latn_ME"):
        assert not long_date(dt.date(2026, 3, 5), locale).endswith(".")
        assert ".," not in long_datetime(dt.datetime(2026, 3, 5, 9, 5), locale)
    assert long_date(dt.date(2026, 3, 5), "en") == long_date(dt.date(2026, 3, 5)) == "5 March 2026"
