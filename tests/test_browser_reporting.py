"""A coordinator fills in the report in a real browser, uploads a document and submits."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect  # waits for the page, unlike is_visible()

from ctportal.models import Document, EntryKind, EntryStatus, Report, ReportState, Revision, db
from tests.access.world import MINIMAL_PDF
from tests.factories import fill_report, make_round, report_of
from tests.helpers import browser_login


@pytest.fixture
def prepared(app, users):
    """Albania's report with everything answered except two actions of objective 1 and two of objective 2."""
    al = report_of(make_round(), "AL")
    fill_report(al)
    left = {}
    for number in (1, 2):
        entries = [e for e in al.entries if e.kind == EntryKind.action and e.action.objective.number == number]
        left[number] = entries[:2]
        for entry in entries[:2]:
            entry.status, entry.narrative = None, ""
    db.session.commit()
    return al, left


def _answer(page, status: str, narrative: str) -> None:
    page.get_by_label("Implementation status").select_option(status)
    page.get_by_label("Progress narrative", exact=True).fill(narrative)


def test_a_coordinator_fills_entries_over_two_objectives_uploads_and_submits(page, users, prepared, tmp_path):
    al, left = prepared
    browser_login(page, users.coordinator_al)
    page.get_by_role("link", name="My reports").click()
    page.get_by_role("link", name=al.round.title).click()
    expect(page.get_by_role("heading", name="Still to answer before submitting (4)")).to_be_visible()
    # Objective 1: answer the first open action, with a measure, and move on with "Save and go to the next".
    page.get_by_role("link", name=re.compile(r"^Objective 1:")).click()
    first = left[1][0]
    page.get_by_role("link", name=f"Answer — Action {first.action.code}").click()
    _answer(page, "in_progress", "The **new CT law** is in parliament.")
    page.locator("#measures-0-description").fill("Draft law adopted by the government")
    page.locator("#measures-0-taken_on").fill("2026-02-10")
    page.get_by_role("button", name="Save and go to the next action").first.click()
    expect(page.get_by_text(f"Action {first.action.code} saved.")).to_be_visible()
    # Objective 2: one action answered, "Not applicable" with its justification.
    page.goto(f"/reports/{al.id}/sections/2")
    second = left[2][0]
    page.get_by_role("link", name=f"Answer — Action {second.action.code}").click()
    page.get_by_label("Implementation status").select_option("not_applicable")
    page.get_by_label("Why the action does not apply").fill("No such body exists in Albania.")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text(f"Action {second.action.code} saved.")).to_be_visible()
    # A document for the whole report.
    page.goto(f"/reports/{al.id}")
    pdf = tmp_path / "CT strategy 2026.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    page.get_by_label("File").set_input_files(str(pdf))
    page.get_by_label("Sensitivity marking").select_option("public")  # RESTRICTED is not offered (issue 13, 12)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("“CT strategy 2026.pdf” was uploaded.")).to_be_visible()
    expect(page.get_by_role("link", name="CT strategy 2026.pdf", exact=True)).to_be_visible()
    # Submitting too early lists what is missing, each with a link.
    page.get_by_role("link", name="Submit the report for review…").click()
    expect(page.get_by_role("heading", name="The report was not submitted")).to_be_visible()
    missing = page.locator(".missing-list a")
    assert missing.count() == 2
    for _ in range(2):
        page.locator(".missing-list a").first.click()
        _answer(page, "planned", "Planned for next year.")
        page.get_by_role("button", name="Save", exact=True).first.click()
        # Wait for the answer to the save: navigating at once would cancel the POST.
        expect(page.get_by_text(re.compile(r" saved\.$"))).to_be_visible()
        page.goto(f"/reports/{al.id}")
    expect(page.get_by_role("heading", name="Ready to submit")).to_be_visible()
    page.get_by_role("link", name="Submit the report for review…").click()
    expect(page.locator("#submit-entries")).to_contain_text("every one answered")
    page.get_by_role("button", name="Submit the report for review").click()
    expect(page.get_by_text("The report was submitted for review.")).to_be_visible()
    db.session.commit()  # end this process's read snapshot: the server wrote since
    report = db.session.get(Report, al.id)
    assert report.state == ReportState.submitted
    revision = db.session.scalar(sa.select(Revision).where(Revision.report_id == al.id))
    snapshot = {e["key"]: e for e in revision.snapshot["entries"]}
    assert snapshot[first.key]["narrative"] == "The **new CT law** is in parliament."
    assert snapshot[first.key]["measures"] == [{"description": "Draft law adopted by the government",
                                                "taken_on": "2026-02-10"}]
    assert snapshot[second.key]["status"] == EntryStatus.not_applicable.value
    assert [d["original_name"] for d in revision.snapshot["documents"]] == ["CT strategy 2026.pdf"]
    assert db.session.scalar(sa.select(Document)).sensitivity.value == "public"


def test_the_live_preview_shows_the_sanitised_narrative(page, users, prepared):
    al, left = prepared
    browser_login(page, users.contributor_al)
    page.goto(f"/reports/{al.id}/entries/{left[1][0].id}")
    page.get_by_label("Progress narrative", exact=True).fill("Some *emphasis* and <script>x</script>")
    preview = page.locator("#narrative-preview")
    preview.get_by_text("HTML is not accepted").wait_for()
    page.get_by_label("Progress narrative", exact=True).fill("Some *emphasis* here")
    preview.locator("em", has_text="emphasis").wait_for()


def test_with_javascript_another_measure_row_is_added_in_place(page, users, prepared):
    al, left = prepared
    browser_login(page, users.contributor_al)
    page.goto(f"/reports/{al.id}/entries/{left[1][0].id}")
    url = page.url
    page.get_by_role("button", name="Add another measure").click()
    assert page.url == url  # no round trip
    page.locator("#measures-1-description").fill("Second measure")
    page.locator("#measures-0-description").fill("First measure")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text(f"Action {left[1][0].action.code} saved.")).to_be_visible()
    db.session.commit()
    from ctportal.models import Entry
    assert [m.description for m in db.session.get(Entry, left[1][0].id).measures] == ["First measure", "Second measure"]
