"""Dates of measures and legal acts against the reporting period and today, and "Why the action does
not apply" asked only for "Not applicable" (issue 20, item 7; the rules: docs/reporting.md, "Dates")."""
from __future__ import annotations

import datetime as dt

import pytest

from ctportal.models import EntryStatus, db
from ctportal.services.reporting import entries as entry_service
from ctportal.services.reporting.progress import unanswered_field
from tests.factories import make_round, report_of
from tests.test_reporting_entries import entry_url, form_for, reload

PERIOD = (dt.date(2025, 7, 1), dt.date(2026, 6, 30))   # make_round's


@pytest.fixture
def al(app):
    return report_of(make_round(), "AL")


def _problems(rows: dict, today: dt.date) -> list[str]:
    return [p.message for p in entry_service.validate(entry_service.EntryData(rows=rows), PERIOD, today)]


def test_a_date_in_the_period_or_after_it_up_to_today_is_accepted(app):
    today = dt.date(2026, 9, 15)   # the report is written after the period ends
    rows = {"measures": [{"description": "In the period", "taken_on": dt.date(2025, 7, 1)},
                         {"description": "Since, before writing", "taken_on": today}],
            "legal_acts": [{"title": "Act", "adopted_on": dt.date(2026, 6, 30), "gazette_reference": ""}]}
    assert _problems(rows, today) == []


def test_a_date_after_today_is_refused_naming_the_row_and_the_field(app):
    today = dt.date(2026, 3, 1)
    problems = _problems({"legal_acts": [
        {"title": "Adopted", "adopted_on": dt.date(2026, 2, 1), "gazette_reference": ""},
        {"title": "Not yet", "adopted_on": dt.date(2026, 3, 2), "gazette_reference": ""}]}, today)
    assert problems == [
        "Legal acts adopted, row 2, date of adoption: the date cannot be later than today (1 March 2026): what "
        "is listed here has already taken place. You entered 2 March 2026."]


def test_a_date_before_the_period_is_refused_with_the_period(app):
    problems = _problems({"measures": [{"description": "Old", "taken_on": dt.date(2025, 6, 30)}]},
                         dt.date(2026, 3, 1))
    assert problems == [
        "Measures taken, row 1, date: the date is before this round's reporting period, which runs from "
        "1 July 2025 to 30 June 2026; you entered 30 June 2025. Earlier measures and acts belong to the report "
        "of their own round."]


def test_the_form_refuses_a_future_adoption_and_keeps_what_was_saved(client, auth, al):
    auth.login("contributor_al")
    entry = al.entries[0]
    client.post(entry_url(entry), data=form_for(entry, status="planned", narrative="Saved before."))
    entry = reload(entry)
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = client.post(entry_url(entry), data=form_for(entry, narrative="Would replace it", **{
        "legal_acts-0-title": "Law on prevention", "legal_acts-0-adopted_on": future}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Legal acts adopted, row 1, date of adoption: the date cannot be later than today" in page
    assert 'value="Law on prevention"' in page, "what was typed stays in the form"
    after = reload(entry)
    assert after.narrative == "Saved before." and after.legal_acts == []


def test_the_date_hint_says_what_is_accepted_and_names_no_fixed_format(client, auth, al):
    auth.login("contributor_al")
    page = client.get(entry_url(al.entries[0])).get_data(as_text=True)
    hint = "From 1 July 2025 (the start of the reporting period) up to today. Use the calendar, or type the day, " \
           "month and year in the order the field shows them."
    assert hint in page
    assert 'id="measures-0-taken_on-hint"' in page and 'aria-describedby="measures-0-taken_on-hint"' in page
    assert "YYYY-MM-DD" not in page.split('id="measures-0-taken_on-hint"')[1].split("</div>")[0]


def test_without_javascript_the_justification_is_in_the_form_with_its_hint(client, auth, al):
    auth.login("contributor_al")
    page = client.get(entry_url(al.entries[0])).get_data(as_text=True)
    assert 'class="mb-3 when-not-applicable"' in page  # reports.js hides it unless "Not applicable"
    assert "Only when the status is “Not applicable”: why the action does not apply." in page


def test_the_justification_is_required_for_not_applicable_only(app, al):
    entry = al.entries[0]
    entry.status, entry.narrative, entry.na_justification = EntryStatus.not_applicable, "", ""
    assert unanswered_field(entry) == "na_justification"
    entry.na_justification = "The action concerns a body the partner does not have."
    assert unanswered_field(entry) is None
    entry.status, entry.na_justification, entry.narrative = EntryStatus.in_progress, "", "Work goes on."
    assert unanswered_field(entry) is None, "no justification asked of an action that applies"
    db.session.rollback()
