"""A person signs in and out with a real browser."""
from __future__ import annotations
from playwright.sync_api import expect  # waits for the page, unlike is_visible()

from tests.helpers import browser_login


def test_a_coordinator_signs_in_sees_home_and_signs_out(page, users):
    browser_login(page, users.coordinator_al)
    expect(page.get_by_role("heading", name="Welcome, Coordinator Al")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/home")
    assert "/login" in page.url


def test_a_reviewer_signs_in_with_the_second_step(page, users):
    browser_login(page, users.reviewer)
    expect(page.get_by_role("heading", name="Welcome, Reviewer")).to_be_visible()
