"""Signing in with a password: the same answer for every failure, throttling, lock, safe redirect."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from ctportal.models import AuditEvent, LoginSession, db, utcnow
from ctportal.services.accounts import passwords
from ctportal.services.accounts.signin import authenticate
from tests.helpers import PASSWORD, audit_actions


def _login(client, email, password, next_=None):
    url = "/login" + (f"?next={next_}" if next_ is not None else "")
    return client.post(url, data={"email": email, "password": password})


def _failure_body(response) -> bytes:
    # The pages differ only by the email echoed back in the form; compare everything else.
    return response.data.replace(b"nobody@example.eu", b"X").replace(b"coordinator.al@example.eu", b"X")


# --- the same answer -------------------------------------------------------------------------------

def test_unknown_account_and_wrong_password_get_the_same_page(client, users):
    unknown = _login(client, "nobody@example.eu", "some wrong password")
    wrong = _login(client, users.coordinator_al.email, "some wrong password")
    assert unknown.status_code == wrong.status_code == 200
    assert _failure_body(unknown) == _failure_body(wrong)
    assert b"The email address or password is not correct" in wrong.data


def test_a_deactivated_or_locked_account_with_the_right_password_gets_that_same_page(client, users):
    reference = _login(client, "nobody@example.eu", PASSWORD)
    users.coordinator_al.active = False
    db.session.commit()
    deactivated = _login(client, users.coordinator_al.email, PASSWORD)
    users.coordinator_al.active = True
    users.coordinator_al.locked_until = utcnow() + dt.timedelta(minutes=5)
    db.session.commit()
    locked = _login(client, users.coordinator_al.email, PASSWORD)
    assert _failure_body(deactivated) == _failure_body(reference) == _failure_body(locked)
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 0


def test_a_right_password_signs_in_and_is_audited(client, users):
    response = _login(client, users.coordinator_al.email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert "login.succeeded" in audit_actions(users.coordinator_al)
    assert users.coordinator_al.last_login_at is not None


def test_email_is_matched_without_regard_to_case(client, users):
    assert _login(client, users.coordinator_al.email.upper(), PASSWORD).status_code == 302


def test_every_failure_is_audited_with_its_reason(client, users):
    _login(client, "nobody@example.eu", "wrong password one")
    _login(client, users.coordinator_al.email, "wrong password two")
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "login.failed")
                                .order_by(AuditEvent.id)).all()
    assert [e.detail["reason"] for e in events] == ["unknown account", "wrong password"]
    assert events[0].detail["email"] == "nobody@example.eu"
    assert all(e.ip == "127.0.0.1" for e in events)
    # The password tried is never written anywhere.
    assert not any("wrong password one" in str(e.detail) for e in events)


# --- the lock, counted in the database -------------------------------------------------------------

@pytest.fixture
def app_config():
    # Address and account limits high enough to reach the database lock first.
    return {"LOGIN_RATE_LIMIT": "100 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "100 per hour",
            "LOCKOUT_THRESHOLD": 3, "LOCKOUT_MINUTES": 15}


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, users):
    for _ in range(3):
        _login(client, users.coordinator_al.email, "not the password at all")
    db.session.refresh(users.coordinator_al)
    assert users.coordinator_al.locked_until > utcnow() + dt.timedelta(minutes=14)
    assert "account.locked" in audit_actions(users.coordinator_al)
    response = _login(client, users.coordinator_al.email, PASSWORD)
    assert response.status_code == 200 and b"not correct" in response.data
    assert "login.refused" in audit_actions(users.coordinator_al)


def test_the_lock_ends_by_itself(client, users):
    for _ in range(3):
        _login(client, users.coordinator_al.email, "not the password at all")
    users.coordinator_al.locked_until = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert _login(client, users.coordinator_al.email, PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, users):
    for _ in range(2):
        _login(client, users.coordinator_al.email, "not the password at all")
    assert _login(client, users.coordinator_al.email, PASSWORD).status_code == 302
    db.session.refresh(users.coordinator_al)
    assert users.coordinator_al.failed_logins == 0 and users.coordinator_al.locked_until is None


# --- hashing ---------------------------------------------------------------------------------------

def test_passwords_are_stored_as_argon2id_hashes(users):
    assert users.coordinator_al.password_hash.startswith("$argon2id$")
    assert PASSWORD not in users.coordinator_al.password_hash


def test_a_hash_made_with_older_parameters_is_replaced_at_the_next_sign_in(app, users, monkeypatch):
    old = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    users.coordinator_al.password_hash = old.hash(PASSWORD)
    db.session.commit()
    before = users.coordinator_al.password_hash
    assert passwords.needs_rehash(before)
    assert authenticate(users.coordinator_al.email, PASSWORD) is not None
    assert users.coordinator_al.password_hash != before
    assert not passwords.needs_rehash(users.coordinator_al.password_hash)
    assert passwords.verify_password(users.coordinator_al.password_hash, PASSWORD)


# --- password rules ----------------------------------------------------------------------------------

@pytest.mark.parametrize("password, problem", [
    ("short pass", "at least 12"),
    ("password1234", "too common"),
    ("qwertyuiopas", "too common"),
    ("qwertyuiop123", "too common"),
    ("iloveyou1234!", "too common"),
    ("passwordpassword", "too common"),
    ("123456789012", "too common"),
    ("aaaaaaaaaaaaaaaa", "too common"),
    ("x" * 300, "at most 256"),
    ("coordinator.al-is-my-password", "email address"),
])
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    problems = " ".join(passwords.password_problems(password, email="coordinator.al@example.eu"))
    assert problem in problems


@pytest.mark.parametrize("password", [
    "correct horse battery staple",
    "Ми се срещнахме на моста при Мостар",  # any script, spaces welcome
    "a long passphrase " * 10,
])
def test_long_passphrases_are_welcome(password):
    assert passwords.password_problems(password, email="someone@example.eu") == []


# --- safe redirect after sign-in ------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "https://evil.example/phish", "//evil.example/phish", "/\\evil.example", "\\\\evil.example",
    "http:/evil.example", "javascript:alert(1)", "evil.example/home", "/%0d%0aLocation:https://evil.example",
    "\t//evil.example", " //evil.example", "https:%2F%2Fevil.example",
])
def test_next_may_not_lead_off_the_site(client, users, target):
    response = _login(client, users.coordinator_al.email, PASSWORD, next_=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    # Browsers treat a leading backslash like a slash and ignore tabs and spaces: none may remain.
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location, location
    assert location.strip() == location and not any(ord(c) < 32 for c in location), location


def test_a_relative_next_is_followed(client, users):
    response = _login(client, users.coordinator_al.email, PASSWORD, next_="/account")
    assert response.headers["Location"] == "/account"


def test_the_sign_in_page_offers_the_forgotten_password_link(client):
    assert b'href="/forgot-password"' in client.get("/login").data


def test_a_signed_in_user_never_gets_a_remember_me_cookie(client, users):
    response = _login(client, users.coordinator_al.email, PASSWORD)
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies)
    session_cookie = [c for c in cookies if c.startswith("ctportal_session=")][0]
    # A browser-session cookie: no Expires / Max-Age, so it goes when the browser closes.
    assert "Expires" not in session_cookie and "Max-Age" not in session_cookie
