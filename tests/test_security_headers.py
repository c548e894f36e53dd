"""Browser protections on every page: CSP without inline script, no framing, no caching, HSTS on HTTPS."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from ctportal.models import AuditEvent, db
from tests.helpers import AuthActions

TEMPLATES = Path(__file__).resolve().parent.parent / "ctportal" / "templates"
MY_TEMPLATES = ["auth", "account", "admin", "mail"]


@pytest.mark.parametrize("url, key", [("/login", None), ("/forgot-password", None), ("/account", "coordinator_al"),
                                      ("/admin/users", "admin"), ("/admin/parties", "admin")])
def test_pages_carry_the_security_headers(app, users, url, key):
    client = app.test_client()
    if key:
        AuthActions(client, users).login(key)
    response = client.get(url)
    assert response.status_code == 200
    h = response.headers
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert h["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in h  # plain HTTP: HSTS would mean nothing


def test_hsts_when_served_over_https(client):
    response = client.get("/login", base_url="https://portal.example.eu")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_static_files_may_be_cached_pages_may_not(client):
    assert client.get("/static/css/portal.css").headers.get("Cache-Control") != "no-store"


@pytest.mark.parametrize("folder", MY_TEMPLATES)
def test_no_inline_script_style_or_event_handler_in_the_account_templates(folder):
    for path in (TEMPLATES / folder).glob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_get_requests_on_account_pages_change_nothing_but_bookkeeping(app, users):
    client = app.test_client()
    AuthActions(client, users).login("admin")
    before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    for url in ("/account", "/admin/users", "/admin/users/invite", f"/admin/users/{users.contributor_al.id}",
                "/admin/parties", "/admin/outbox", "/forgot-password", "/account/two-step"):
        client.get(url)
    # GET /account/two-step makes a key in the browser session only; nothing is stored until confirmed.
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == before
    db.session.refresh(users.admin)
    assert users.admin.totp_enabled


def test_state_changing_account_routes_refuse_get(app, users):
    client = app.test_client()
    AuthActions(client, users).login("admin")
    for url in ("/logout", "/account/password", "/account/sign-out-everywhere", "/account/two-step/disable",
                f"/admin/users/{users.contributor_al.id}/deactivate", f"/admin/users/{users.contributor_al.id}/unlock"):
        assert client.get(url).status_code == 405, url
