"""The offline round trip in a real browser (issue 18, item 3), every page checked by axe: from the board the
coordinator opens the institutions' forms, downloads the police's Word form, fills it in as the institution
would (python-docx), uploads it, reads what it would change and saves it; the kept file is listed."""
from __future__ import annotations

import os
import shutil

import docx
import pytest
from playwright.sync_api import expect

from ctportal.models import Entry, EntryStatus, Institution, db
from ctportal.services.partner import assignments
from tests.factories import make_round, report_of
from tests.helpers import browser_login

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CTPORTAL_SHOTS", "")  # a folder: the pages are also saved as pictures there


def test_download_fill_upload_preview_save_in_the_browser(page, users, app, tmp_path):
    report = report_of(make_round(deadline_in_days=30), "AL")
    police = Institution(party_id=report.party_id, name="Policia e Shtetit")
    db.session.add(police)
    db.session.commit()
    first, second = report.entries[0], report.entries[1]
    first.status, first.narrative = EntryStatus.in_progress, "Trajnime për 40 zyrtarë."
    db.session.commit()
    for entry in (first, second):
        assignments.assign(entry, users.coordinator_al, assignee_id=None, institution_id=police.id, due_on=None)
    db.session.commit()
    first_id, second_id, code = first.id, second.id, second.action.code

    browser_login(page, users.coordinator_al)
    page.goto(f"/reports/{report.id}/board")
    page.get_by_role("link", name="Forms for institutions without accounts (Word, Excel)").click()
    expect(page.get_by_role("heading", name="Policia e Shtetit")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Word document (DOCX)").click()
    path = tmp_path / "form.docx"
    download.value.save_as(path)

    document = docx.Document(str(path))
    table = next(t for t in document.tables if f"CTP-ENTRY-{second_id}-V" in t.rows[0].cells[1].text)
    for row in table.rows[1:]:
        if "[[narrative]]" in row.cells[0].text:
            row.cells[1].paragraphs[0].text = "Njësia u krijua në mars; ka dymbëdhjetë analistë."
        if "[[status]]" in row.cells[0].text:
            row.cells[1].paragraphs[0].text = "Achieved"
    filled = tmp_path / "policia.docx"
    document.save(str(filled))
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "offline-page.png"), full_page=True)
        shutil.copy(path, os.path.join(SHOTS, "form.docx"))

    page.get_by_label("Filled-in form (DOCX or XLSX)").set_input_files(str(filled))
    page.get_by_role("button", name="Read the form").click()
    expect(page.get_by_role("heading", name="What the form of Policia e Shtetit would change")).to_be_visible()
    expect(page.locator(f"#diff-{second_id} ins").first).to_contain_text("Achieved")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "offline-preview.png"), full_page=True)
    db.session.commit()  # a new read: the live server wrote meanwhile
    assert db.session.get(Entry, second_id).narrative == ""  # nothing saved by the preview
    page.get_by_role("button", name="Save the changes to 1 action").click()
    expect(page.get_by_text("The form of Policia e Shtetit is applied: 1 entry saved.")).to_be_visible()
    expect(page.get_by_role("link", name="policia.docx")).to_be_visible()
    db.session.commit()  # a new read: the live server wrote meanwhile
    assert db.session.get(Entry, second_id).narrative == "Njësia u krijua në mars; ka dymbëdhjetë analistë."
    assert db.session.get(Entry, first_id).narrative == "Trajnime për 40 zyrtarë."
    assert code


def test_an_outdated_form_shows_the_conflict_side_by_side_in_the_browser(page, users, app, tmp_path):
    from ctportal.services.reporting import entries

    report = report_of(make_round(deadline_in_days=30), "AL")
    police = Institution(party_id=report.party_id, name="Policia e Shtetit")
    db.session.add(police)
    db.session.commit()
    entry = report.entries[0]
    assignments.assign(entry, users.coordinator_al, assignee_id=None, institution_id=police.id, due_on=None)
    db.session.commit()
    entry_id = entry.id

    browser_login(page, users.coordinator_al)
    page.goto(f"/reports/{report.id}/offline")
    with page.expect_download() as download:
        page.get_by_role("link", name="Word document (DOCX)").click()
    path = tmp_path / "form.docx"
    download.value.save_as(path)
    db.session.commit()  # end the read snapshot taken before the server wrote the download's audit event
    entry = db.session.get(Entry, entry_id)
    saved = entries.EntryData.of(entry)
    saved.texts["narrative"] = "Written on the portal after the form went out."
    entries.save_entry(entry, saved, entry.version, users.contributor_al)
    db.session.commit()

    document = docx.Document(str(path))
    table = next(t for t in document.tables if f"CTP-ENTRY-{entry_id}-V" in t.rows[0].cells[1].text)
    next(r for r in table.rows if "[[narrative]]" in r.cells[0].text).cells[1].paragraphs[0].text = "From the form."
    document.save(str(path))
    page.get_by_label("Filled-in form (DOCX or XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Read the form").click()
    conflict = page.locator(f"#conflict-{entry_id}")
    expect(conflict).to_contain_text("Written on the portal after the form went out.")
    expect(conflict).to_contain_text("From the form.")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "offline-conflict.png"), full_page=True)
    expect(page.get_by_role("button", name="Keep the file with the report (it changes no action)")).to_be_visible()
