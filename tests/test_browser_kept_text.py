"""Nothing typed is lost (issue 13), in a real browser: the text typed before an upload, before leaving
the page and before the session's idle limit is all still there."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect  # waits for the page, unlike is_visible()

from ctportal.models import Document, Entry, db
from tests.access.world import MINIMAL_PDF
from tests.factories import make_round, report_of
from tests.helpers import PASSWORD, browser_login

pytestmark = pytest.mark.browser

TYPED = "Typed in the browser: the national CT strategy was adopted on 3 March."
IDLE_SECONDS = 15


@pytest.fixture
def app_config(request):
    # The idle tests shorten the idle limit; the others keep the default (30 minutes).
    return {"SESSION_IDLE_MINUTES": IDLE_SECONDS / 60} if "idle" in request.node.name else {}


@pytest.fixture
def entry(app, users) -> Entry:
    entry = report_of(make_round(), "AL").entries[0]
    entry.narrative = "The saved narrative."
    db.session.commit()
    return entry


def _url(entry: Entry) -> str:
    return f"/reports/{entry.report_id}/entries/{entry.id}"


def _narrative(page):
    return page.get_by_label("Progress narrative", exact=True)


def _saved_narrative(entry: Entry) -> str:
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Entry, entry.id).narrative


def test_text_typed_before_an_upload_is_saved_with_it(page, users, entry, tmp_path):
    browser_login(page, users.coordinator_al)
    page.goto(_url(entry))
    _narrative(page).fill(TYPED)
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    page.get_by_label("File").set_input_files(str(pdf))
    page.get_by_role("button", name="Save the answer and upload to this action").click()
    expect(page.get_by_text("Your answer is saved, and “minutes.pdf” was uploaded.")).to_be_visible()
    expect(_narrative(page)).to_have_value(TYPED)
    expect(page.get_by_role("link", name="minutes.pdf", exact=True)).to_be_visible()
    assert _saved_narrative(entry) == TYPED


def test_text_typed_before_a_refused_upload_is_kept_without_javascript(browser, live_url, users, entry, tmp_path):
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        browser_login(page, users.coordinator_al)
        page.goto(_url(entry))
        _narrative(page).fill(TYPED)
        bad = tmp_path / "minutes.pdf"
        bad.write_bytes(b"<html><script>alert(1)</script></html>")
        page.get_by_label("File").set_input_files(str(bad))
        page.get_by_role("button", name="Save the answer and upload to this action").click()
        expect(page.locator(".invalid-feedback").filter(has_text="File:")).to_be_visible()
        expect(_narrative(page)).to_have_value(TYPED)
        assert _saved_narrative(entry) == TYPED
        assert db.session.query(Document).count() == 0
    finally:
        context.close()


def test_leaving_with_unsaved_text_asks_first_and_the_text_comes_back(page, users, entry):
    browser_login(page, users.coordinator_al)
    page.goto(_url(entry))
    _narrative(page).fill(TYPED)
    expect(page.get_by_text(re.compile(r"Draft kept on the server at .* not saved yet"))).to_be_visible()
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()
    page.once("dialog", stay)
    page.get_by_role("link", name=re.compile(r"^All of ")).click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(_url(entry))
    expect(_narrative(page)).to_have_value(TYPED)
    # Leaving anyway, then coming back: the unsaved draft is restored, the entry itself unchanged.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name=re.compile(r"^All of ")).click()
    page.wait_for_url(re.compile(r"/sections/"))
    page.goto(_url(entry))
    expect(page.get_by_role("heading", name=re.compile(r"^Unsaved draft from .* restored$"))).to_be_visible()
    expect(_narrative(page)).to_have_value(TYPED)
    assert _saved_narrative(entry) == "The saved narrative."
    # Discarding it shows the saved version again.
    page.get_by_role("button", name="Discard the unsaved draft").click()
    expect(page.get_by_text("The unsaved draft was discarded")).to_be_visible()
    expect(_narrative(page)).to_have_value("The saved narrative.")


def test_idle_warning_offers_to_stay_signed_in(page, users, entry):
    browser_login(page, users.coordinator_al)
    started = time.monotonic()
    page.goto(_url(entry))
    warning = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(warning).to_be_visible(timeout=IDLE_SECONDS * 1000)
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    # Past the limit the sign-in began with: the session lives on, and the save goes through.
    page.wait_for_timeout(max(0, (IDLE_SECONDS + 1 - (time.monotonic() - started)) * 1000))
    _narrative(page).fill(TYPED)
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text(re.compile(r" saved\.$"))).to_be_visible()
    assert _saved_narrative(entry) == TYPED


def test_idle_limit_reached_while_typing_loses_nothing(page, users, entry):
    browser_login(page, users.coordinator_al)
    page.goto(_url(entry))
    _narrative(page).fill(TYPED)
    # The session ends; the page says so, and the text is still in the form.
    expect(page.get_by_role("alertdialog", name="You have been signed out")).to_be_visible(
        timeout=(IDLE_SECONDS + 5) * 1000)
    page.wait_for_timeout(1500)  # the server's limit, counted from the sign-in, has passed too
    expect(_narrative(page)).to_have_value(TYPED)
    # Saving now leads to the sign-in page; signing in lands on the form with the text restored.
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("what you typed is kept for you")).to_be_visible()
    assert TYPED not in page.url
    page.get_by_label("Email address").fill(users.coordinator_al.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(_url(entry)) + "$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Unsaved draft from .* restored$"))).to_be_visible()
    expect(_narrative(page)).to_have_value(TYPED)
    assert _saved_narrative(entry) == "The saved narrative."
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text(re.compile(r" saved\.$"))).to_be_visible()
    assert _saved_narrative(entry) == TYPED
