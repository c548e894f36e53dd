"""Where focus goes after a submit, and that it can be seen (issue 20, item 7; WCAG 2.4.3, 2.4.7)."""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.helpers import browser_login

pytestmark = pytest.mark.browser


def _focused(page, expected: str) -> str:
    """What has the focus once the page has applied its `autofocus` (browsers do it after load, a
    moment after the text is visible): waits up to five seconds for `expected`, then answers."""
    try:
        page.wait_for_function(
            "want => { const e = document.activeElement; return e && (e.id === want || e.classList.contains(want)); }",
            arg=expected, timeout=5000)
    except PlaywrightTimeout:  # the assertion below names what had the focus instead
        pass
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def test_a_form_with_errors_puts_focus_on_its_error_summary(page, users):
    page.goto("/login")
    page.get_by_role("button", name="Sign in").click()  # nothing filled in
    expect(page.locator("#error-summary")).to_be_visible()
    assert _focused(page, "error-summary") == "error-summary"


def test_a_confirmation_after_an_action_takes_the_focus(page, users):
    browser_login(page, users.coordinator_al)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    assert "flash-messages" in _focused(page, "flash-messages")


def test_a_focused_field_shows_a_strong_ring(page, users):
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link first
    field = page.get_by_label("Email address")
    field.focus()
    style = field.evaluate("e => { const s = getComputedStyle(e); "
                           "return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
    assert style[0] == "solid" and style[1] == "3px" and "5px" in style[2], style
