"""Sessions live in the database: ending one makes its cookie worthless, wherever it was copied."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ctportal import create_app
from ctportal.models import LoginSession, User, db, utcnow
from tests.helpers import PASSWORD, AuthActions, audit_actions

NEW = "an entirely new passphrase for this account"


def _cookie(client) -> str:
    return client.get_cookie("ctportal_session").value


def _client_with_cookie(app, value: str):
    thief = app.test_client()
    thief.set_cookie("ctportal_session", value)
    return thief


def test_a_cookie_copied_before_logout_is_useless_after_it(app, client, auth, users):
    auth.login("coordinator_al")
    stolen = _cookie(client)
    assert _client_with_cookie(app, stolen).get("/home").status_code == 200
    auth.logout()
    replay = _client_with_cookie(app, stolen)
    assert replay.get("/home").headers["Location"].startswith("/login")
    assert replay.get("/account").headers["Location"].startswith("/login")
    assert "logout" in audit_actions(users.coordinator_al)


def test_the_cookie_carries_a_session_token_not_the_user_id(client, auth, users):
    auth.login("coordinator_al")
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == users.coordinator_al.id))
    with client.session_transaction() as s:
        token = s["_user_id"]
    assert token != str(users.coordinator_al.id) and len(token) >= 40
    assert row.token_hash != token  # only its hash is stored


def test_a_cookie_from_before_sign_in_is_not_signed_in_after_it(app, client, users):
    with client.session_transaction() as s:
        s["planted"] = "by someone else"  # an attacker's cookie, set in the victim's browser
    planted = _cookie(client)
    AuthActions(client, users).login("coordinator_al")
    assert client.get("/home").status_code == 200
    assert _client_with_cookie(app, planted).get("/home").status_code == 302


def test_a_cookie_taken_between_password_and_second_step_stays_half_signed_in(app, client, users):
    client.post("/login", data={"email": users.reviewer.email, "password": PASSWORD})
    halfway = _cookie(client)
    db.session.execute(sa.update(User).where(User.id == users.reviewer.id).values(totp_last_step=0))
    db.session.commit()
    from tests.helpers import totp_now
    assert client.post("/login/second-factor", data={"code": totp_now()}).headers["Location"] == "/home"
    assert client.get("/home").status_code == 200
    assert _client_with_cookie(app, halfway).get("/home").headers["Location"].startswith("/login")


def test_a_password_change_ends_every_other_session_but_keeps_this_one(app, users):
    here, elsewhere = app.test_client(), app.test_client()
    AuthActions(here, users).login("coordinator_al")
    AuthActions(elsewhere, users).login("coordinator_al")
    response = here.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW,
                                                     "confirm": NEW})
    assert response.headers["Location"] == "/account"
    assert here.get("/home").status_code == 200
    assert elsewhere.get("/home").status_code == 302
    assert "account.password_set" in audit_actions(users.coordinator_al)
    here.post("/logout")
    assert AuthActions(here, users).login("coordinator_al", NEW).status_code == 302


def test_a_password_change_needs_the_current_password_and_follows_the_rules(client, auth, users):
    auth.login("coordinator_al")
    before = users.coordinator_al.password_hash
    wrong = client.post("/account/password", data={"current_password": "not my password at all",
                                                   "new_password": NEW, "confirm": NEW})
    assert b"This is not your current password" in wrong.data
    weak = client.post("/account/password", data={"current_password": PASSWORD,
                                                  "new_password": "password1234", "confirm": "password1234"})
    assert b"too common" in weak.data
    mismatch = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "new_password": NEW, "confirm": NEW + "x"})
    assert b"not the same" in mismatch.data
    db.session.refresh(users.coordinator_al)
    assert users.coordinator_al.password_hash == before


def test_a_password_change_form_ignores_forged_role_and_party_fields(client, auth, users):
    auth.login("contributor_al")
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW,
                                           "role": "admin", "party_id": "999", "party": "RS", "active": "y"})
    db.session.refresh(users.contributor_al)
    assert users.contributor_al.role.value == "contributor" and users.contributor_al.party.code == "AL"


def test_sign_out_everywhere_ends_every_session_this_one_too(app, users):
    here, elsewhere = app.test_client(), app.test_client()
    AuthActions(here, users).login("coordinator_al")
    AuthActions(elsewhere, users).login("coordinator_al")
    assert here.post("/account/sign-out-everywhere").headers["Location"] == "/login"
    assert here.get("/home").status_code == 302
    assert elsewhere.get("/home").status_code == 302
    assert "logout.everywhere" in audit_actions(users.coordinator_al)


def test_deactivation_ends_every_session_at_once(app, client, users):
    victim = app.test_client()
    AuthActions(victim, users).login("coordinator_al")
    AuthActions(client, users).login("admin")
    client.post(f"/admin/users/{users.coordinator_al.id}/deactivate")
    assert victim.get("/home").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id)).where(
        LoginSession.user_id == users.coordinator_al.id, LoginSession.ended_at.is_(None))) == 0


def test_an_idle_session_expires(client, auth, users, app):
    auth.login("coordinator_al")
    idle = app.config["SESSION_IDLE_MINUTES"]
    db.session.execute(sa.update(LoginSession).values(last_seen_at=utcnow() - dt.timedelta(minutes=idle + 1)))
    db.session.commit()
    assert client.get("/home").status_code == 302


def test_an_active_session_still_expires_after_the_absolute_limit(client, auth, users, app):
    auth.login("coordinator_al")
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    db.session.execute(sa.update(LoginSession).values(created_at=utcnow() - dt.timedelta(hours=hours, minutes=1),
                                                      last_seen_at=utcnow()))
    db.session.commit()
    assert client.get("/home").status_code == 302


def test_a_session_within_its_limits_keeps_working(client, auth):
    auth.login("coordinator_al")
    db.session.execute(sa.update(LoginSession).values(last_seen_at=utcnow() - dt.timedelta(minutes=5)))
    db.session.commit()
    assert client.get("/home").status_code == 200


@pytest.mark.parametrize("env, secure", [("production", True), ("development", False)])
def test_cookies_are_secure_httponly_and_samesite(tmp_path, env, secure, database_url):
    app = create_app({"ENV": env, "SECRET_KEY": "k" * 40, "DATABASE_URL": database_url,
                      "STORAGE_DIR": str(tmp_path), "JOBS_MODE": "immediate"})
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")


def test_the_session_cookie_is_sent_with_its_flags(client, auth, app):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = client.post("/login", data={"email": "coordinator.al@example.eu", "password": PASSWORD},
                           base_url="https://localhost")
    header = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("ctportal_session=")][0]
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
