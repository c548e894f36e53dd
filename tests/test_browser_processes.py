"""Follow-up processes in a real browser (issue 15, item 5): a reviewer records one from the round's
consolidated-report page (refused first with the field named, what was typed kept), then Albania's
coordinator finds it from the home page, without the participants or the internal notes. axe-core
checks every page visited."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ctportal.models import ProcessRecord, db
from tests.factories import make_round
from tests.helpers import browser_login

pytestmark = pytest.mark.browser


def test_a_reviewer_records_a_process_and_the_party_reads_its_part(app, page, users):
    rnd = make_round()
    browser_login(page, users.secretariat)
    page.goto(f"/compile/rounds/{rnd.id}")
    page.get_by_role("link", name="Follow-up processes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Follow-up processes")
    page.get_by_role("link", name=f"Record a process of {rnd.title}").click()
    page.get_by_label("Title").fill("Expert visit on firearms")
    page.get_by_label("Held on").fill("2026-02-10")
    page.get_by_label("Place").fill("Tirana")
    page.get_by_label("Albania").check()
    page.get_by_label("Participants (internal to the Commission)").fill("Officials of the ministry")
    page.get_by_label("Internal notes (never shown to a party)").fill("Ask about the budget next time")
    page.get_by_label("Outcome summary").fill("The visit found the **register** complete.")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_role("alert")).to_contain_text("Kind of process: Choose the kind of process.")
    expect(page.get_by_label("Title")).to_have_value("Expert visit on firearms")
    expect(page.get_by_label("Albania")).to_be_checked()
    page.get_by_label("Kind of process").select_option("dialogue")
    page.get_by_label("Linked actions").fill("5.P5")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_role("status").first).to_contain_text("“Expert visit on firearms” is recorded.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Expert visit on firearms")
    db.session.commit()  # end the read snapshot: the server wrote since
    record = db.session.query(ProcessRecord).one()
    assert record.action_codes == ["5.P5"] and record.internal_notes == "Ask about the budget next time"

    page.context.clear_cookies()
    browser_login(page, users.coordinator_al)
    page.goto("/home")
    page.get_by_role("link", name="Follow-up processes concerning Albania").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Expert visit on firearms")
    expect(page.locator("main")).to_contain_text("The visit found the register complete.")
    expect(page.locator("main")).not_to_contain_text("budget")
    expect(page.locator("main")).not_to_contain_text("Officials of the ministry")
    page.get_by_role("link", name="Expert visit on firearms").click()
    expect(page.locator("main")).to_contain_text("5.P5")
