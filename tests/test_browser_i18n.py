"""Signing in with the browser in Albanian, Macedonian and Serbian (issue 17): every page walked speaks
the language, and no English string of the portal's own is left on it (names and the plan's
reference text are allowed)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ctportal.models import User, db
from tests.factories import make_round
from tests.helpers import PASSWORD
from tests.i18n_support import english_left, tool

pytestmark = pytest.mark.browser

# What may stay in English on a translated page: people's and rounds' names from the data, the EU
# marking, product names, and the authenticator apps' names.
ALLOWED = {"Coordinator Al", "coordinator.al@example.eu", "Progress report 2026", "LIMITE", "EU", "HeadlessChrome",
           "FreeOTP", "Microsoft Authenticator", "Google Authenticator", "JSON", "API", "English"}

WALK = {
    # Accept-Language, <html lang>, the sign-in heading, the home heading's start, the account heading
    "sq": ("sq", "sq", "Hyni", "Mirë se vini", "Llogaria ime"),
    "mk": ("mk", "mk", "Најава", "Добредојдовте", "Мојата сметка"),
    "sr": ("sr", "sr-Cyrl", "Пријава", "Добро дошли", "Мој налог"),
}


def _no_english(page, code: str) -> None:
    text = page.locator("body").inner_text()
    left = english_left(text, code, ALLOWED)
    assert left == [], f"{page.url}: English left on a {code} page: {left}"


@pytest.mark.parametrize("code", sorted(WALK))
def test_signing_in_with_accept_language_walks_the_portal_in_that_language(browser, live_url, users, code):
    tool()
    make_round()
    db.session.commit()
    header, lang, sign_in, welcome, account = WALK[code]
    context = browser.new_context(base_url=live_url, locale=header, extra_http_headers={"Accept-Language": header})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto("/forgot-password")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        _no_english(page, code)

        page.goto("/login")
        expect(page.get_by_role("heading", level=1)).to_have_text(sign_in)
        _no_english(page, code)
        page.locator("#email").fill(users.coordinator_al.email)
        page.locator("#password").fill("not the password")
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".error-summary")).to_be_visible()
        _no_english(page, code)  # the error summary and the field's message

        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(welcome)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        _no_english(page, code)  # home: the report card, its state, deadline and counts; the navigation

        page.goto("/account")
        expect(page.get_by_role("heading", level=1)).to_have_text(account)
        _no_english(page, code)

        page.goto("/no/such/page")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        _no_english(page, code)

        # The switcher, without script: English, then back; the account keeps the last choice.
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto("/home")
        expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Coordinator Al")
        page.locator(f'button[name=language][value="{code}"]').click()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.get_by_role("heading", level=1)).to_contain_text(welcome)
        db.session.rollback()  # end this process's read snapshot: the served app wrote the choice
        assert db.session.get(User, users.coordinator_al.id).language == code

        page.screenshot(path=f"test-results/i18n-home-{code}.png", full_page=True)
    finally:
        context.close()
