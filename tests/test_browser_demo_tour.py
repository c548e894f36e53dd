"""The README's two-minute tour of the demo (partner → reviewer → secretariat), clicked as written.

The names below are the README's: when this test needs a change because a page changed, the
README's tour ("A two-minute tour") needs the same change.
"""
from __future__ import annotations

import io
import re

import pyotp
import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from ctportal.models import Party, Report, ReportState, Round, User, db

PASSWORD = "demo-portal-passphrase"


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user.totp_enabled:
        # What `make demo-code EMAIL=…` prints: the account's current code.
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(
            pyotp.TOTP(user.totp_secret).now())
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/home$"))


def _montenegro() -> Report:
    db.session.commit()  # end the read snapshot: the server wrote since
    return db.session.scalar(sa.select(Report).join(Party).join(Round).where(
        Party.code == "ME", Round.document_number == "DEMO 1/26"))  # not the demo's previous round


def test_the_readme_tour_of_the_demo(runner, app, live_url, page):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.commit()

    # 1. Partner: revise 4.P1 as the reviewer asked, answer the comment, resubmit.
    _sign_in(page, "coordinator.me@demo.ctportal.eu")
    # The open round's report comes first; the closed round's before it is listed below.
    page.get_by_role("link", name="Open the report").first.click()
    page.get_by_role("link", name="What the Commission asks to revise").first.click()
    expect(page.locator("main")).to_contain_text("2.P1 Needs revision")
    expect(page.locator("main")).to_contain_text("4.P1 Needs revision")
    page.get_by_role("link", name="Edit entry 4.P1").click()
    page.get_by_label("Title", exact=True).fill("Law on the Prevention of Money Laundering and Terrorist Financing")
    page.get_by_label("Date of adoption").fill(f"{_montenegro().round.period_start.year + 1}-03-12")
    page.get_by_label("Official gazette reference").fill("Službeni list Crne Gore, br. 24/26")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_role("status")).to_contain_text("Action 4.P1 saved.")
    page.get_by_label("Reply", exact=True).first.fill("Added: the law, its date of adoption and the reference.")
    page.get_by_role("button", name="Send reply").first.click()
    expect(page.get_by_role("status")).to_contain_text("Your reply is posted.")
    page.get_by_role("link", name="Montenegro — Progress report 2026 (demo)").first.click()
    page.get_by_role("link", name="Resubmit the report for review…").click()
    expect(page.locator("#submit-changed")).to_contain_text("4.P1")
    expect(page.locator("#submit-unchanged")).to_contain_text("2.P1")
    page.get_by_label("Note to the Commission: what we changed (optional)").fill("4.P1: the law and its reference.")
    page.get_by_role("button", name="Resubmit the report for review").click()
    expect(page.locator("main")).to_contain_text("It is read-only while the Commission reviews it.")
    assert _montenegro().state == ReportState.submitted
    page.get_by_role("button", name="Sign out").click()

    # 2. Reviewer: the change since revision 1, two verdicts, the rest accepted, approval.
    _sign_in(page, "reviewer@demo.ctportal.eu")
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name="Montenegro").click()
    expect(page.locator(".submission-note")).to_contain_text("4.P1: the law and its reference.")
    page.get_by_role("link", name="4.P1", exact=True).click()
    expect(page.locator("main")).to_contain_text("Changes since revision 1")
    expect(page.locator("main")).to_contain_text("Službeni list Crne Gore, br. 24/26")
    page.get_by_label("Accepted").check()
    page.get_by_label("Commission's assessment").select_option(label="Good progress")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("link", name="Needing revision").click()
    page.get_by_role("link", name="2.P1", exact=True).click()
    page.get_by_label("Accepted").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("link", name="Accept the 37 remaining entries…").click()
    page.get_by_role("button", name="Accept these 37 entries").click()
    expect(page.locator("main")).to_contain_text("Internal — Commission only")
    page.get_by_role("link", name="Approve revision 2…").click()
    expect(page.locator("#approve-reviewed")).to_have_text("39 of 39")
    page.get_by_role("button", name="Approve revision 2").click()
    expect(page.locator("main")).to_contain_text("The report is approved and locked.")
    assert _montenegro().state == ReportState.approved
    page.get_by_role("button", name="Sign out").click()

    # 3. Secretariat: who stands where, then the consolidated report with Montenegro in it.
    _sign_in(page, "secretariat@demo.ctportal.eu")
    page.get_by_role("link", name="Rounds").click()
    page.get_by_role("link", name="Progress report 2026 (demo)").click()
    expect(page.locator("main")).to_contain_text("Who stands where")
    expect(page.get_by_role("button", name=re.compile("^Send reminder"))).to_have_count(4)  # the four drafts
    page.get_by_role("link", name="Consolidated report").click()
    page.get_by_role("link", name="Progress report 2026 (demo)").click()
    with page.expect_navigation(timeout=240_000):  # the tests' job queue compiles inside the request
        page.get_by_role("button", name="Compile", exact=True).click(timeout=240_000)
    download = page.get_by_role("link", name=re.compile("Download PDF"))
    expect(download).to_be_visible(timeout=240_000)
    expect(page.locator("main")).to_contain_text("Montenegro rev. 2, Serbia rev. 2, Eurojust rev. 1")
    with page.expect_download() as done:
        download.click()
    with open(done.value.path(), "rb") as pdf:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    # The revision the reviewer approved is the one in the edition: the legal act added in step 1.
    flat = re.sub(r"\s+", " ", text)  # the table cell wraps the reference
    assert "Montenegro" in flat and "Law on the Prevention of Money Laundering and Terrorist Financing 12 March" in flat
    assert "Službeni list Crne Gore, br. 24/26" in flat
