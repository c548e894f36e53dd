"""Personal API tokens on the account page and from the command line."""
from __future__ import annotations

import re

import sqlalchemy as sa

from ctportal.models import ApiToken, AuditEvent, db


def _secret(html: str) -> str:
    found = re.search(r'value="(ctp_[A-Za-z0-9_-]+)"', html)
    assert found, "the new token is not on the page"
    return found.group(1)


def test_make_a_token_it_is_shown_once_and_works(client, auth, users):
    auth.login("coordinator_al")
    page = client.post("/account/api-tokens", data={"name": "Dashboard", "days": "30"})
    assert page.status_code == 200
    secret = _secret(page.get_data(as_text=True))
    settings = client.get("/account").get_data(as_text=True)
    assert "Dashboard" in settings and secret not in settings and secret[:10] in settings
    api = client.application.test_client()
    assert api.get("/api/v1/reports", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "api_token.created"))
    assert event.actor_email == users.coordinator_al.email and event.detail["name"] == "Dashboard"


def test_form_errors_name_the_field(client, auth):
    auth.login("contributor_al")
    html = client.post("/account/api-tokens", data={"name": "", "days": "abc"}).get_data(as_text=True)
    assert "Token name: give the token a name" in html and "Valid for: enter a whole number of days." in html
    html = client.post("/account/api-tokens", data={"name": "x" * 101, "days": "9999"}).get_data(as_text=True)
    assert "Token name: at most 100 characters." in html and "Valid for: between 1 and 365 days." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_revoke_stops_the_token_and_only_the_owner_may(client, auth, users):
    auth.login("contributor_al")
    secret = _secret(client.post("/account/api-tokens", data={"name": "Script", "days": "5"}).get_data(as_text=True))
    token = db.session.scalar(sa.select(ApiToken))
    other = client.application.test_client()
    type(auth)(other, users).login("coordinator_al")
    assert other.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
    assert other.post("/account/api-tokens/987654/revoke").data == \
        other.post(f"/account/api-tokens/{token.id}/revoke").data
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 302
    api = client.application.test_client()
    assert api.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "Revoked" in client.get("/account").get_data(as_text=True)


def test_token_forms_need_csrf(app, users):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    # Sign-in itself needs a CSRF token now: read it from the form.
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": users.contributor_al.email, "password": "correct horse battery staple",
                                "csrf_token": csrf})
    assert client.post("/account/api-tokens", data={"name": "No CSRF", "days": "5"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_create_token_command_prints_a_working_token(app, users, runner):
    result = runner.invoke(args=["create-token", users.reviewer.email, "--name", "nightly export", "--days", "7"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("ctp_")
    client = app.test_client()
    assert client.get("/api/v1/rounds", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    missing = runner.invoke(args=["create-token", "nobody@example.eu", "--name", "x"])
    assert missing.exit_code != 0 and "No account" in missing.output
    bad = runner.invoke(args=["create-token", users.reviewer.email, "--name", "x", "--days", "0"])
    assert bad.exit_code != 0 and "Valid for" in bad.output
