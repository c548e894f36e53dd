"""Two-step sign-in: mandatory for the Commission side, optional for party users, codes used once."""
from __future__ import annotations

import pyotp
import pytest
import sqlalchemy as sa

from ctportal.models import LoginSession, Party, RecoveryCode, Role, User, db
from ctportal.services.accounts.users import create_user
from tests.helpers import PASSWORD, TOTP_SECRET, audit_actions, totp_now


@pytest.fixture
def app_config():
    return {"LOGIN_RATE_LIMIT": "100 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "100 per hour",
            "LOCKOUT_THRESHOLD": 4}


def _password_step(client, user, password=PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def _fresh_step(user):
    db.session.execute(sa.update(User).where(User.id == user.id).values(totp_last_step=0))
    db.session.commit()


def test_a_reviewer_is_only_half_signed_in_after_the_password(client, users):
    response = _password_step(client, users.reviewer)
    assert response.headers["Location"] == "/login/second-factor"
    # Nothing of the portal is reachable before the second step...
    assert client.get("/home").headers["Location"] == "/login/second-factor"
    assert client.get("/account").headers["Location"] == "/login/second-factor"
    # ...and the sign-in is not recorded as a success yet.
    assert "login.succeeded" not in audit_actions(users.reviewer)


def test_the_right_code_completes_the_sign_in(client, users):
    _password_step(client, users.reviewer)
    _fresh_step(users.reviewer)
    response = client.post("/login/second-factor", data={"code": totp_now()})
    assert response.headers["Location"] == "/home"
    assert client.get("/home").status_code == 200
    assert "login.succeeded" in audit_actions(users.reviewer)


def test_a_code_cannot_be_used_twice(app, users):
    first, second = app.test_client(), app.test_client()
    _fresh_step(users.reviewer)
    code = totp_now()
    _password_step(first, users.reviewer)
    _password_step(second, users.reviewer)
    assert first.post("/login/second-factor", data={"code": code}).headers["Location"] == "/home"
    replay = second.post("/login/second-factor", data={"code": code})
    assert replay.status_code == 200 and b"already been used" in replay.data
    assert second.get("/home").headers["Location"] == "/login/second-factor"
    assert "login.second_factor_failed" in audit_actions(users.reviewer)


def test_an_older_code_is_refused_after_a_newer_one(app, users):
    totp = pyotp.TOTP(TOTP_SECRET)
    step = totp.timecode(__import__("datetime").datetime.now(__import__("datetime").UTC))
    users.reviewer.totp_last_step = step
    db.session.commit()
    client = app.test_client()
    _password_step(client, users.reviewer)
    previous = totp.generate_otp(step - 1)
    assert client.post("/login/second-factor", data={"code": previous}).status_code == 200


def test_a_recovery_code_works_once(app, users):
    from ctportal.services.accounts.signin import new_recovery_codes
    codes = new_recovery_codes(users.reviewer)
    db.session.commit()
    client = app.test_client()
    _password_step(client, users.reviewer)
    assert client.post("/login/second-factor", data={"code": codes[0]}).headers["Location"] == "/home"
    again = app.test_client()
    _password_step(again, users.reviewer)
    assert again.post("/login/second-factor", data={"code": codes[0]}).status_code == 200
    assert again.post("/login/second-factor", data={"code": codes[1].upper()}).status_code == 302
    assert audit_actions(users.reviewer).count("login.recovery_code_used") == 2


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, users):
    _password_step(client, users.reviewer)
    for _ in range(3):
        assert client.post("/login/second-factor", data={"code": "000000"}).status_code == 200
    locked = client.post("/login/second-factor", data={"code": "000000"})
    assert locked.headers["Location"] == "/login"
    db.session.refresh(users.reviewer)
    assert users.reviewer.locked_until is not None
    # The half-open session is ended, and even the right code later gets nowhere.
    assert client.get("/home").headers["Location"].startswith("/login")
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id)).where(
        LoginSession.user_id == users.reviewer.id, LoginSession.ended_at.is_(None))) == 0
    assert "account.locked" in audit_actions(users.reviewer)


def test_a_new_reviewer_must_set_up_the_app_at_first_sign_in(client, app):
    user = create_user("new.reviewer@example.eu", "New Reviewer", Role.reviewer, None, PASSWORD)
    db.session.commit()
    response = _password_step(client, user)
    assert response.headers["Location"] == "/login/enrol-authenticator"
    assert client.get("/home").headers["Location"] == "/login/enrol-authenticator"
    page = client.get("/login/enrol-authenticator")
    assert b"data:image/svg+xml" in page.data  # the QR code, as an image, not inline script
    with client.session_transaction() as s:
        secret = s["totp_enrol_secret"]
    wrong = client.post("/login/enrol-authenticator", data={"code": "123456"})
    assert b"does not match" in wrong.data
    done = client.post("/login/enrol-authenticator", data={"code": pyotp.TOTP(secret).now()})
    assert b"Your recovery codes" in done.data
    assert client.get("/home").status_code == 200
    db.session.refresh(user)
    assert user.totp_enabled and db.session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id)) == 10
    assert "account.totp_enabled" in audit_actions(user)


def test_party_users_need_no_second_step_unless_their_party_requires_it(client, app, users):
    assert _password_step(client, users.coordinator_al).headers["Location"] == "/home"
    client.post("/logout")
    albania = db.session.scalar(sa.select(Party).where(Party.code == "AL"))
    albania.require_2fa = True
    db.session.commit()
    assert _password_step(client, users.coordinator_al).headers["Location"] == "/login/enrol-authenticator"


# --- turning it on and off from the account page --------------------------------------------------

def _signed_in(client, user):
    assert _password_step(client, user).status_code == 302


def test_a_party_user_turns_two_step_on_then_off(client, users):
    user = users.coordinator_al
    _signed_in(client, user)
    client.get("/account/two-step")
    with client.session_transaction() as s:
        secret = s["totp_enrol_secret"]
    response = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    assert b"Your recovery codes" in response.data
    db.session.refresh(user)
    assert user.totp_enabled
    # From now on the sign-in asks for the second step.
    client.post("/logout")
    assert _password_step(client, user).headers["Location"] == "/login/second-factor"
    _fresh_step(user)
    client.post("/login/second-factor", data={"code": pyotp.TOTP(secret).now()})
    wrong = client.post("/account/two-step/disable", data={"disable-password": "not my password at all"})
    assert b"This is not your current password" in wrong.data
    db.session.refresh(user)
    assert user.totp_enabled
    client.post("/account/two-step/disable", data={"disable-password": PASSWORD})
    db.session.refresh(user)
    assert not user.totp_enabled and user.totp_secret is None
    assert "account.totp_disabled" in audit_actions(user)


def test_two_step_cannot_be_turned_off_where_it_is_mandatory(client, users):
    from tests.helpers import AuthActions
    AuthActions(client, users).login("reviewer")
    response = client.post("/account/two-step/disable", data={"disable-password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(users.reviewer)
    assert users.reviewer.totp_enabled
    assert "account.totp_disabled" not in audit_actions(users.reviewer)


def test_new_recovery_codes_replace_the_old_ones(client, users):
    from ctportal.services.accounts.signin import new_recovery_codes
    from tests.helpers import AuthActions
    old = new_recovery_codes(users.reviewer)
    db.session.commit()
    AuthActions(client, users).login("reviewer")
    response = client.post("/account/two-step/recovery-codes", data={"codes-password": PASSWORD})
    assert response.status_code == 200 and b"Your recovery codes" in response.data
    other = client.application.test_client()
    _password_step(other, users.reviewer)
    assert other.post("/login/second-factor", data={"code": old[2]}).status_code == 200
