"""A coordinator answers the previous round's recommendations in a real browser (issue 15, item 2);
axe-core checks every page visited (the overview, the item's form, its error, the saved list)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ctportal.models import FollowUpStatus, db
from ctportal.services.reporting import follow_ups
from tests.factories import make_round, report_of
from tests.helpers import browser_login
from tests.test_follow_ups import REC1, _previous_round

pytestmark = pytest.mark.browser


@pytest.fixture
def report(app, users):
    _previous_round(users)
    return report_of(make_round(), "AL")


def test_a_coordinator_answers_a_recommendation_and_sees_it_listed(report, page, users):
    browser_login(page, users.coordinator_al)
    page.goto(f"/reports/{report.id}")
    section = page.get_by_role("region", name=re.compile("Follow-up of the recommendations"))
    expect(section).to_contain_text(REC1)
    section.get_by_role("link", name="Recommendation 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up of recommendation 1")
    page.get_by_label("Partly implemented").check()
    page.get_by_label("What was done").fill("Adopted <b>in part</b>.")
    page.get_by_role("button", name="Save").click()
    # Refused with the field named, the text kept.
    expect(page.get_by_role("alert")).to_contain_text("HTML is not accepted")
    expect(page.get_by_label("What was done")).to_have_value("Adopted <b>in part</b>.")
    page.get_by_label("What was done").fill("The strategy was adopted; its action plan is being drafted.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/reports/{report.id}#follow-ups-title$"))
    expect(page.get_by_role("status").first).to_contain_text("Your answer to recommendation 1 was saved.")
    expect(section.get_by_role("row", name=re.compile("Recommendation 1"))).to_contain_text("Partly implemented")
    db.session.commit()  # end the read snapshot: the server wrote since
    item = follow_ups.of_report(report)[0]
    assert item.status == FollowUpStatus.partly_implemented and "action plan" in item.narrative
