"""The work inside a partner in a real browser (issue 18), every page checked by axe: the coordinator adds
an institution and assigns an action, the contributor finds it under "Assigned to me" and marks it ready,
the coordinator sends it back with a comment, then accepts it; the board shows where it stands."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ctportal.models import EntryKind, db
from tests.factories import fill_report, make_round, report_of
from tests.helpers import browser_login

pytestmark = pytest.mark.browser


def test_assign_ready_send_back_accept_in_the_browser(page, users, app):
    report = fill_report(report_of(make_round(deadline_in_days=30), "AL"))
    entry = next(e for e in report.entries if e.kind == EntryKind.action)
    db.session.commit()
    code = entry.action.code
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()

    browser_login(page, users.coordinator_al)
    page.goto("/partner/institutions")
    page.get_by_label("Name of the institution").fill("Ministria e Brendshme")
    page.get_by_role("button", name="Add the institution").click()
    expect(page.get_by_text("“Ministria e Brendshme” is added to your institutions.")).to_be_visible()
    page.goto(f"/reports/{report.id}/entries/{entry.id}")
    page.get_by_text("Assign this action").click()
    page.get_by_label("Contributor", exact=True).select_option(label=users.contributor_al.name)
    page.get_by_label("Institution", exact=True).select_option(label="Ministria e Brendshme")
    page.get_by_label("Due date").fill("2020-01-01")
    page.get_by_role("button", name="Save the assignment").click()
    expect(page.locator("#due_on-error")).to_contain_text("Due date: it cannot be in the past")
    page.get_by_label("Due date").fill(due)
    page.get_by_role("button", name="Save the assignment").click()
    expect(page.get_by_text(f"The assignment of Action {code} is saved.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, users.contributor_al)
    page.goto(f"/reports/{report.id}")
    page.locator(".assigned-to-me").get_by_role("link", name=f"Action {code}").click()
    page.get_by_role("button", name="Mark as ready for the coordinator").click()
    expect(page.locator(".signoff-state")).to_have_text("Ready for the coordinator")
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, users.coordinator_al)
    page.goto(f"/reports/{report.id}/entries/{entry.id}")
    page.get_by_role("button", name="Send back with this comment").click()
    expect(page.locator("#note-error")).to_contain_text("Comment: say what to change")
    page.get_by_label("Comment for the contributor").fill("Please add the dates of the trainings.")
    page.get_by_role("button", name="Send back with this comment").click()
    expect(page.locator(".partner-notes")).to_contain_text("Please add the dates of the trainings.")
    page.goto(f"/reports/{report.id}/board")
    expect(page.locator("table.board")).to_contain_text(users.contributor_al.name)
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, users.contributor_al)
    page.goto(f"/reports/{report.id}/entries/{entry.id}")
    page.get_by_role("button", name="Mark as ready for the coordinator").click()
    page.get_by_role("button", name="Sign out").click()
    browser_login(page, users.coordinator_al)
    page.goto(f"/reports/{report.id}/entries/{entry.id}")
    page.get_by_role("button", name="Accept for submission").click()
    expect(page.locator(".signoff-state")).to_have_text("Accepted by the coordinator")
