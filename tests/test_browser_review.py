"""The review round in a real browser: comment, send back, revise, resubmit, diff, approve, reopen."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from ctportal.models import Report, ReportState, db
from tests.factories import fill_report, make_round, report_of, submit
from tests.helpers import browser_login

SHARED = "Please give the dates of the trainings."
INTERNAL = "Between us: the number of trainees looks inflated."


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Email address")).to_be_visible()


def test_the_review_round_in_a_browser(app, users, page):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    first, second = report.entries[0], report.entries[1]
    report_id, second_id = report.id, second.id
    first_key, second_key = first.key, second.key
    db.session.commit()

    # The reviewer comments on two entries (one internal) and asks for changes.
    browser_login(page, users.reviewer)
    page.goto("/review/")
    page.get_by_role("link", name="Albania").click()
    expect(page.get_by_role("heading", name="Review: Albania")).to_be_visible()
    page.get_by_role("link", name=first_key, exact=True).click()
    page.get_by_label(f"New comment on {first_key}").fill(SHARED)
    page.get_by_label("Shared with Albania").check()  # no default (issue 13.6)
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-shared .comment-text")).to_have_text(SHARED)
    page.get_by_label("Needs revision").check()
    page.get_by_label("Commission's assessment").select_option(label="Limited progress")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Your review of {first_key} is saved")
    page.goto(f"/review/reports/{report_id}/entries/{second_id}")
    page.get_by_label(f"New comment on {second_key}").fill(INTERNAL)
    page.get_by_label("Internal (Commission only)").check()
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment-internal .comment-text")).to_have_text(INTERNAL)
    page.goto(f"/review/reports/{report_id}")
    page.get_by_role("link", name="Request changes…").click()
    expect(page.locator(".needing-preview")).to_contain_text(first_key)
    page.get_by_label("Reason").fill("The dates of the trainings are missing.")
    page.get_by_role("button", name="Send back for changes").click()
    expect(page.locator("p.lead")).to_contain_text("Changes requested")
    _sign_out(page)

    # The coordinator sees only the shared comment, revises the entry and resubmits.
    browser_login(page, users.coordinator_al)
    page.goto(f"/reports/{report_id}/feedback")
    expect(page.get_by_text(SHARED)).to_be_visible()
    expect(page.locator("main .alert-warning")).to_contain_text("The dates of the trainings are missing.")
    assert INTERNAL not in page.content() and "inflated" not in page.content()
    expect(page.locator(".needing-revision > li")).to_have_count(1)
    page.get_by_label("Reply").fill("Dates added: 10 and 24 January.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Dates added: 10 and 24 January.")).to_be_visible()
    page.get_by_role("link", name=f"Edit entry {first_key}").click()
    page.locator("textarea[name=narrative]").fill("Two trainings were held on 10 and 24 January 2026.")
    page.locator("form.entry-form [name=save]").first.click()
    expect(page.get_by_text(re.compile(r" saved\.$"))).to_be_visible()  # before leaving the page
    page.goto(f"/reports/{report_id}")
    page.get_by_role("link", name="Resubmit the report for review…").click()
    expect(page.locator("#submit-changed")).to_contain_text(first_key)
    page.get_by_label("Note to the Commission: what we changed (optional)").fill("Dates added to the trainings.")
    page.get_by_role("button", name="Resubmit the report for review").click()
    expect(page.get_by_role("status")).to_contain_text("submitted")
    for path in (f"/reports/{report_id}/timeline", f"/reports/{report_id}/entries/{second_id}/comments",
                 "/notifications/"):
        page.goto(path)
        assert "inflated" not in page.content()
    _sign_out(page)

    # The reviewer sees only what changed, with the diff, and approves.
    browser_login(page, users.reviewer)
    page.goto(f"/review/reports/{report_id}")
    expect(page.locator(".review-entries tbody tr")).to_have_count(1)
    page.get_by_role("link", name=first_key, exact=True).click()
    expect(page.locator("#diff-revision ins").first).to_contain_text("Two")
    expect(page.locator("#diff-revision del").first).to_be_visible()
    expect(page.get_by_text("Dates added: 10 and 24 January.")).to_be_visible()
    page.get_by_label("Accepted").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("link", name=re.compile(r"Accept the \d+ remaining entries")).click()
    page.get_by_role("button", name=re.compile(r"Accept these \d+ entries")).click()
    expect(page.locator(".submission-note")).to_have_text("Dates added to the trainings.")
    page.get_by_role("link", name="Approve revision 2…").click()
    page.get_by_role("button", name="Approve revision 2").click()
    expect(page.get_by_role("status")).to_contain_text("approved and locked")
    _sign_out(page)

    # A second reviewer reopens it, with a reason.
    browser_login(page, users.reviewer2)
    page.goto(f"/review/reports/{report_id}")
    page.get_by_role("link", name="Reopen…").click()
    page.get_by_role("button", name="Reopen the report").click()
    expect(page.locator("#error-summary")).to_contain_text("Reason")
    page.get_by_label("Reason").fill("The annex figure for 2025 is wrong.")
    page.get_by_role("button", name="Reopen the report").click()
    expect(page.get_by_role("status")).to_contain_text("reopened")
    page.goto(f"/reports/{report_id}/timeline")
    expect(page.locator(".timeline-item").first).to_contain_text("The annex figure for 2025 is wrong.")

    db.session.expire_all()
    final = db.session.get(Report, report_id)
    assert final.state == ReportState.changes_requested and len(final.revisions) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(Report.id == report_id)) == 1
