"""An administrator invites a person, who sets a password from the email and signs in, in a real browser."""
from __future__ import annotations

import pyotp
import sqlalchemy as sa
from playwright.sync_api import expect  # waits for the page, unlike is_visible()

from ctportal.models import User, db
from tests.helpers import browser_login, last_mail_link

NEW = "a passphrase typed in a browser"


def test_invite_accept_and_first_sign_in(page, users):
    browser_login(page, users.admin)
    page.get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_label("Full name").fill("Marko Example")
    page.get_by_label("Email address").fill("marko@example.eu")
    page.get_by_label("Role").select_option(label="Partner coordinator")
    page.get_by_label("Party").select_option(label="Kosovo*")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Marko Example is invited")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    db.session.expire_all()
    page.goto(last_mail_link("marko@example.eu"))
    expect(page.get_by_role("heading", name="Welcome, Marko Example")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("Repeat the new password").fill("password1234")
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("alert").get_by_text("too common")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Repeat the new password").fill(NEW)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_text("Your password is set")).to_be_visible()
    page.get_by_label("Email address").fill("marko@example.eu")
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Marko Example")).to_be_visible()
def test_a_forged_role_is_answered_with_a_form_error(page, users):
    browser_login(page, users.admin)
    page.goto("/admin/users/invite")
    page.get_by_label("Full name").fill("Forged")
    page.get_by_label("Email address").fill("forged@example.eu")
    # What a tampering user would do in the developer tools:
    page.eval_on_selector("#role", "el => el.options[0].value = 'superuser'")
    page.get_by_label("Role").select_option(index=0)
    page.get_by_role("button", name="Send the invitation").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("Role: Choose one of the roles in the list.")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(sa.select(User).where(User.email == "forged@example.eu")) is None


def test_a_party_user_turns_on_two_step_sign_in_from_the_account_page(page, users):
    browser_login(page, users.coordinator_al)
    page.get_by_role("link", name="My account").click()
    page.get_by_role("link", name="Turn on two-step sign-in").click()
    secret = page.locator("code.totp-secret").inner_text().strip()
    page.get_by_label("6-digit code shown by your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
