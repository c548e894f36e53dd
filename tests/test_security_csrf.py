"""CSRF: every state-changing request needs this session's token; a missing or foreign one changes nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ctportal.models import LoginSession, Party, User, db
from tests.helpers import PASSWORD, audit_actions, csrf_token_from, totp_now


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _sign_in(client, user):
    token = csrf_token_from(client.get("/login").data)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.data
    if user.totp_enabled:
        db.session.execute(sa.update(User).where(User.id == user.id).values(totp_last_step=0))
        db.session.commit()
        token = csrf_token_from(client.get("/login/second-factor").data)
        response = client.post("/login/second-factor", data={"code": totp_now(), "csrf_token": token})
        assert response.headers["Location"] == "/home"
    return client


def test_sign_in_without_a_token_is_refused(client, users):
    response = client.post("/login", data={"email": users.coordinator_al.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"did not come from this portal" in response.data
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 0


def test_sign_in_with_another_browsers_token_is_refused(app, client, users):
    foreign = csrf_token_from(app.test_client().get("/login").data)
    client.get("/login")
    response = client.post("/login", data={"email": users.coordinator_al.email, "password": PASSWORD,
                                           "csrf_token": foreign})
    assert response.status_code == 400


def test_a_forged_logout_does_not_sign_out(client, users):
    _sign_in(client, users.coordinator_al)
    assert client.post("/logout").status_code == 400
    assert client.get("/home").status_code == 200


def test_a_forged_password_change_changes_nothing(app, client, users):
    _sign_in(client, users.coordinator_al)
    before = users.coordinator_al.password_hash
    foreign = csrf_token_from(_sign_in(app.test_client(), users.coordinator_rs).get("/account").data)
    for token in (None, foreign, "garbage"):
        data = {"current_password": PASSWORD, "new_password": "attacker chosen passphrase",
                "confirm": "attacker chosen passphrase"}
        if token:
            data["csrf_token"] = token
        assert client.post("/account/password", data=data).status_code == 400
    db.session.refresh(users.coordinator_al)
    assert users.coordinator_al.password_hash == before


def test_forged_admin_actions_change_nothing(client, users):
    _sign_in(client, users.admin)
    albania = db.session.scalar(sa.select(Party).where(Party.code == "AL"))
    assert client.post(f"/admin/users/{users.coordinator_al.id}/deactivate").status_code == 400
    assert client.post(f"/admin/parties/{albania.id}/two-step", data={"require_2fa": "y"}).status_code == 400
    assert client.post("/admin/users/invite", data={"name": "X", "email": "x@example.eu", "role": "admin",
                                                    "party": ""}).status_code == 400
    db.session.refresh(users.coordinator_al)
    db.session.refresh(albania)
    assert users.coordinator_al.active and not albania.require_2fa
    assert "account.deactivated" not in audit_actions(users.coordinator_al)


def test_with_the_right_token_the_same_requests_work(client, users):
    _sign_in(client, users.admin)
    token = csrf_token_from(client.get(f"/admin/users/{users.coordinator_al.id}").data)
    response = client.post(f"/admin/users/{users.coordinator_al.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(users.coordinator_al)
    assert not users.coordinator_al.active


def test_every_form_in_the_account_pages_carries_a_token(client, users):
    _sign_in(client, users.admin)
    for url in ("/account", f"/admin/users/{users.coordinator_al.id}", "/admin/users/invite", "/admin/parties"):
        html = client.get(url).data.decode()
        forms = html.count('method="post"')
        assert forms and html.count('csrf_token" type="hidden"') >= forms, url
