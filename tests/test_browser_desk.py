"""The secretariat, in a real browser: opens a round, extends one deadline, reads the map, downloads the XLSX."""
from __future__ import annotations

import datetime as dt

import openpyxl
import sqlalchemy as sa
from playwright.sync_api import expect  # waits for the page, unlike is_visible()

from ctportal.models import DeadlineExtension, Party, Round, RoundState, db
from tests.helpers import browser_login


def test_the_secretariat_runs_a_round_from_the_desk(page, users, tmp_path):
    today = dt.date.today()
    browser_login(page, users.secretariat)
    page.get_by_role("link", name="Rounds").click()
    page.get_by_role("link", name="Prepare a new round").click()
    page.get_by_label("Title").fill("Progress report 2027")
    page.get_by_label("Reporting period from").fill("2026-07-01")
    page.get_by_label("Reporting period to").fill("2027-06-30")
    page.get_by_label("Submission deadline").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Review deadline").fill((today + dt.timedelta(days=60)).isoformat())
    page.get_by_label("Ministerial meeting").fill("EU-Western Balkans JHA Ministerial Forum")
    page.get_by_label("Meeting place").fill("Skopje")
    page.get_by_label("Meeting date").fill((today + dt.timedelta(days=90)).isoformat())
    page.get_by_label("Document number").fill("ST 11848/27")
    page.get_by_role("button", name="Prepare the round").click()
    expect(page.get_by_role("heading", name="Progress report 2027")).to_be_visible()
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_text("9 reports were created")).to_be_visible()
    page.get_by_role("link", name="Extend a deadline").click()
    page.get_by_label("Party").select_option(label=f"Kosovo* (now due {(today + dt.timedelta(days=30)).isoformat()})")
    new_deadline = today + dt.timedelta(days=45)
    page.get_by_label("New submission deadline").fill(new_deadline.isoformat())
    page.get_by_label("Reason").fill("Government formation after the elections.")
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.get_by_text("The deadline of Kosovo* is now")).to_be_visible()
    board_row = page.get_by_role("row", name="Kosovo*")
    assert "extended" in board_row.inner_text()

    page.get_by_role("link", name="Progress map").first.click()
    expect(page.get_by_role("heading", name="Progress map")).to_be_visible()
    expect(page.get_by_role("heading", name="Legend")).to_be_visible()
    expect(page.locator("caption", has_text="Objective 1:")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "progress-report-2027.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "All entries"] + [f"Objective {n}" for n in range(1, 6)]
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert summary[0][0] == "Progress report 2027"
    assert ("Document", "ST 11848/27") == summary[1][:2]
    parties = [row[0] for row in summary[8:17]]
    assert parties[:6] == ["Albania", "Bosnia and Herzegovina", "Kosovo*", "Montenegro", "North Macedonia", "Serbia"]
    assert all(row[1] == "Not yet submitted" for row in summary[8:17])   # nothing submitted yet
    assert list(wb["All entries"].iter_rows(values_only=True))[0][:3] == ("Party", "Party code", "Data shown")

    db.session.expire_all()
    rnd = db.session.scalar(sa.select(Round).where(Round.title == "Progress report 2027"))
    assert rnd.state == RoundState.open
    extension = db.session.scalar(sa.select(DeadlineExtension))
    assert extension.new_deadline == new_deadline
    assert db.session.get(Party, extension.party_id).code == "XK"
