"""The fact-check of a draft edition in a real browser (issue 15, item 4): the secretariat opens the
period on the editions page, the coordinator follows the home page's notice, sends a correction
(refused first with the field named, the text kept), and the secretariat sees it listed under the
party. axe-core checks every page visited."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from ctportal.models import CompiledReport, FactcheckCorrection, db
from ctportal.services.editions import editions as compile_service
from tests.helpers import browser_login
from tests.test_factcheck import _round

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(app, users):
    rnd = _round(users)
    edition = compile_service.start_compile(rnd, users.secretariat, draft=True)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    return db.session.get(CompiledReport, edition.id)


def test_the_secretariat_opens_it_and_a_coordinator_sends_a_correction(draft, page, users):
    browser_login(page, users.secretariat)
    page.goto(f"/compile/rounds/{draft.round_id}")
    drafts = page.get_by_role("region", name="Draft editions and their fact-check")
    expect(drafts).to_contain_text("No fact-check opened yet")
    drafts.get_by_label("Last day for corrections").fill((dt.date.today() + dt.timedelta(days=4)).isoformat())
    drafts.get_by_role("button", name="Open or move the fact-check").click()
    expect(page.get_by_role("status").first).to_contain_text(f"The fact-check of draft edition {draft.id} is open")

    page.context.clear_cookies()  # sign in as the party's coordinator in the same (axe-checked) context
    other = page
    browser_login(other, users.coordinator_al)
    other.goto("/home")
    other.get_by_role("link", name="Read your part and send corrections").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Fact-check of the draft consolidated report")
    other.get_by_label("Action", exact=True).select_option("1.P1")
    other.get_by_role("button", name="Send the correction").click()
    expect(other.get_by_role("alert")).to_contain_text("Correction: Write what is wrong in the draft")
    expect(other.get_by_label("Action", exact=True)).to_have_value("1.P1")
    other.get_by_label("Correction", exact=True).fill("The strategy was adopted in March 2026, not May.")
    other.get_by_role("button", name="Send the correction").click()
    expect(other.get_by_role("status").first).to_contain_text("Your correction was sent to the secretariat.")
    expect(other.get_by_role("region", name="Corrections sent")).to_contain_text("adopted in March 2026")
    db.session.commit()  # end the read snapshot: the server wrote since
    assert db.session.query(FactcheckCorrection).one().action_code == "1.P1"

    page.context.clear_cookies()
    browser_login(page, users.secretariat)
    page.goto(f"/compile/rounds/{draft.round_id}")
    listed = page.get_by_role("region", name="Draft editions and their fact-check")
    expect(listed).to_contain_text(re.compile(r"Albania\s*—\s*1 correction"))
    expect(listed).to_contain_text("adopted in March 2026")
    # The secretariat answers it: "not accepted" needs its reason (named, the choice kept), then saved.
    answer = listed.get_by_role("group", name="Answer to this correction")
    answer.get_by_label("Not accepted").check()
    listed.get_by_role("button", name="Save the answer").click()
    listed = page.get_by_role("region", name="Draft editions and their fact-check")
    expect(listed).to_contain_text("Reply to the party: Say why the correction is not accepted.")
    expect(listed.get_by_label("Not accepted")).to_be_checked()
    listed.get_by_label("Reply to the party").fill("The annex already says March 2026.")
    listed.get_by_role("button", name="Save the answer").click()
    expect(page.get_by_role("status").first).to_contain_text("Your answer to the correction was saved.")
    db.session.commit()
    assert db.session.query(FactcheckCorrection).one().outcome == "not_accepted"
