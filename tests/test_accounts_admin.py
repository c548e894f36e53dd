"""Administrators invite people, change roles, deactivate, unlock and reset two-step sign-in."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ctportal.models import AccountToken, Party, RecoveryCode, Role, User, db, utcnow
from tests.helpers import PASSWORD, AuthActions, audit_actions, last_mail_link

NEW = "my own passphrase for the portal"


@pytest.fixture
def admin(client, users):
    AuthActions(client, users).login("admin")
    return client


def _invite(admin, **fields):
    data = {"name": "Ana Example", "email": "ana@example.eu", "role": "coordinator", "party": "ME"}
    data.update(fields)
    return admin.post("/admin/users/invite", data=data)


def _user(email) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


# --- invitation ----------------------------------------------------------------------------------

def test_an_invited_person_sets_a_password_through_the_link_once(app, admin):
    response = _invite(admin)
    assert response.status_code == 302
    user = _user("ana@example.eu")
    assert user.role == Role.coordinator and user.party.code == "ME" and user.password_hash is None
    link = last_mail_link("ana@example.eu")
    assert link.startswith("/invite/")
    token = link.rsplit("/", 1)[1]
    # Only a hash of the token is stored.
    assert not db.session.scalar(sa.select(sa.func.count(AccountToken.id)).where(AccountToken.token_hash == token))
    assert {"account.created", "account.invited"} <= set(audit_actions(user))

    guest = app.test_client()
    page = guest.get(link)
    assert page.status_code == 200 and b"Welcome, Ana Example" in page.data
    weak = guest.post(link, data={"new_password": "password1234", "confirm": "password1234"})
    assert b"too common" in weak.data
    done = guest.post(link, data={"new_password": NEW, "confirm": NEW})
    assert done.headers["Location"] == "/login"
    assert guest.post("/login", data={"email": "ana@example.eu", "password": NEW}).headers["Location"] == "/home"
    # The link is spent.
    again = app.test_client().get(link)
    assert again.status_code == 404 and b"This link does not work" in again.data


def test_an_invitation_link_expires(app, admin):
    _invite(admin)
    link = last_mail_link("ana@example.eu")
    db.session.execute(sa.update(AccountToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    db.session.commit()
    assert app.test_client().get(link).status_code == 404
    assert app.test_client().post(link, data={"new_password": NEW, "confirm": NEW}).status_code == 404
    assert _user("ana@example.eu").password_hash is None


def test_a_new_invitation_replaces_the_old_link(app, admin):
    _invite(admin)
    first = last_mail_link("ana@example.eu")
    admin.post(f"/admin/users/{_user('ana@example.eu').id}/resend-invitation")
    second = last_mail_link("ana@example.eu")
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_the_link_is_built_on_the_configured_base_url_not_the_request_host(app, users):
    from ctportal.models import OutgoingMail
    from ctportal.services.accounts.users import invite_user
    app.config["BASE_URL"] = "https://portal.example.eu"
    with app.test_request_context("/admin/users/invite", base_url="http://evil.example"):
        invite_user("ana@example.eu", "Ana", Role.reviewer, None, actor=users.admin)
        db.session.commit()
    body = db.session.scalar(sa.select(OutgoingMail.body).where(OutgoingMail.recipient == "ana@example.eu"))
    assert "https://portal.example.eu/invite/" in body and "evil.example" not in body


# --- forged and inconsistent fields --------------------------------------------------------------

@pytest.mark.parametrize("fields, message", [
    ({"role": "superuser"}, b"Role: Choose one of the roles in the list."),
    ({"role": ""}, b"Role: Choose one of the roles in the list."),
    ({"party": "ZZ"}, b"Party: Choose one of the parties in the list, or none."),
    ({"party": "1 OR 1=1"}, b"Party: Choose one of the parties in the list, or none."),
    ({"role": "coordinator", "party": ""}, b"belongs to a party: choose one"),
    ({"role": "contributor", "party": "EUROPOL"}, b"belong to a Western Balkans partner"),
    ({"role": "eu_reporter", "party": "RS"}, b"An EU reporter belongs to the Commission, Europol or Eurojust"),
    ({"role": "reviewer", "party": "AL"}, b"does not belong to a party"),
    ({"role": "admin", "party": "EC"}, b"does not belong to a party"),
    ({"email": "coordinator.al@example.eu"}, b"already exists"),
    ({"email": "not-an-address"}, b"Enter a valid email address"),
])
def test_a_forged_or_inconsistent_invitation_answers_a_form_error(admin, fields, message):
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    response = _invite(admin, **fields)
    assert response.status_code == 200
    assert message in response.data.replace(b"&#39;", b"'")
    assert b"There is a problem with this form" in response.data
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


def test_a_forged_role_on_edit_changes_nothing(admin, users):
    response = admin.post(f"/admin/users/{users.contributor_al.id}",
                          data={"name": "Contributor Al", "role": "god", "party": "AL"})
    assert b"Choose one of the roles in the list" in response.data
    db.session.refresh(users.contributor_al)
    assert users.contributor_al.role == Role.contributor


@pytest.mark.parametrize("key", ["contributor_al", "reviewer", "secretariat"])
def test_nobody_but_an_admin_may_invite_even_with_a_forged_form(app, users, key):
    client = app.test_client()
    AuthActions(client, users).login(key)
    response = client.post("/admin/users/invite", data={"name": "X", "email": "x@example.eu", "role": "admin",
                                                        "party": ""})
    assert response.status_code == 403
    assert _user("x@example.eu") is None


# --- role change, deactivation, unlock, two-step reset --------------------------------------------

def test_a_role_change_takes_effect_and_signs_the_user_out(app, admin, users):
    victim = app.test_client()
    AuthActions(victim, users).login("contributor_al")
    response = admin.post(f"/admin/users/{users.contributor_al.id}",
                          data={"name": "Contributor Al", "role": "coordinator", "party": "AL"})
    assert response.status_code == 302
    db.session.refresh(users.contributor_al)
    assert users.contributor_al.role == Role.coordinator
    assert victim.get("/home").status_code == 302
    assert "account.role_changed" in audit_actions(users.contributor_al)


def test_a_party_user_made_reviewer_must_set_up_two_step_at_next_sign_in(app, admin, users):
    admin.post(f"/admin/users/{users.contributor_al.id}", data={"name": "C", "role": "reviewer", "party": ""})
    client = app.test_client()
    response = client.post("/login", data={"email": users.contributor_al.email, "password": PASSWORD})
    assert response.headers["Location"] == "/login/enrol-authenticator"


def test_an_admin_cannot_lock_themselves_out(admin, users):
    admin.post(f"/admin/users/{users.admin.id}/deactivate")
    admin.post(f"/admin/users/{users.admin.id}", data={"name": "Admin", "role": "reviewer", "party": ""})
    db.session.refresh(users.admin)
    assert users.admin.active and users.admin.role == Role.admin


def test_deactivate_and_reactivate(app, admin, users):
    admin.post(f"/admin/users/{users.coordinator_rs.id}/deactivate")
    db.session.refresh(users.coordinator_rs)
    assert not users.coordinator_rs.active
    other = app.test_client()
    assert other.post("/login", data={"email": users.coordinator_rs.email, "password": PASSWORD}).status_code == 200
    admin.post(f"/admin/users/{users.coordinator_rs.id}/reactivate")
    assert other.post("/login", data={"email": users.coordinator_rs.email, "password": PASSWORD}).status_code == 302
    assert ["account.deactivated", "account.reactivated"] == [
        a for a in audit_actions(users.coordinator_rs) if a.startswith("account.") and "activated" in a]


def test_unlock(app, admin, users):
    users.coordinator_rs.locked_until = utcnow() + dt.timedelta(minutes=10)
    db.session.commit()
    page = admin.get(f"/admin/users/{users.coordinator_rs.id}")
    assert b"Locked until" in page.data
    admin.post(f"/admin/users/{users.coordinator_rs.id}/unlock")
    db.session.refresh(users.coordinator_rs)
    assert users.coordinator_rs.locked_until is None
    assert "account.unlocked" in audit_actions(users.coordinator_rs)


def test_reset_two_step_forgets_the_app_and_the_codes_and_signs_out(app, admin, users):
    victim = app.test_client()
    AuthActions(victim, users).login("reviewer")
    admin.post(f"/admin/users/{users.reviewer.id}/reset-two-step")
    db.session.refresh(users.reviewer)
    assert not users.reviewer.totp_enabled and users.reviewer.totp_secret is None
    assert not db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == users.reviewer.id))
    assert victim.get("/home").status_code == 302
    assert victim.post("/login", data={"email": users.reviewer.email, "password": PASSWORD}
                       ).headers["Location"] == "/login/enrol-authenticator"


def test_an_unknown_account_is_404_for_the_admin(admin):
    assert admin.get("/admin/users/987654").status_code == 404
    assert admin.post("/admin/users/987654/deactivate").status_code == 404


# --- lists -----------------------------------------------------------------------------------------

def test_the_accounts_list_filters_by_role_party_text_and_status(admin, users):
    def emails(query):
        page = admin.get("/admin/users?" + query).data.decode()
        return {u.email for u in users.by_key.values() if u.email in page}

    assert emails("role=reviewer") == {"reviewer@example.eu", "reviewer2@example.eu"}
    assert emails("party=RS") == {"coordinator.rs@example.eu", "contributor.rs@example.eu"}
    assert emails("q=EUROPOL") == {"reporter.europol@example.eu"}
    users.coordinator_xk.active = False
    db.session.commit()
    assert emails("status=inactive") == {"coordinator.xk@example.eu"}
    # A forged filter value is ignored, not an error page.
    assert admin.get("/admin/users?role=god&party=ZZ").status_code == 200
    page = admin.get("/admin/users?party=XK").data.decode()
    assert "Kosovo*" in page


def test_a_party_can_be_made_to_require_two_step(app, admin, users):
    victim = app.test_client()
    AuthActions(victim, users).login("coordinator_al")
    albania = db.session.scalar(sa.select(Party).where(Party.code == "AL"))
    admin.post(f"/admin/parties/{albania.id}/two-step", data={"require_2fa": "y"})
    db.session.refresh(albania)
    assert albania.require_2fa
    assert victim.get("/home").status_code == 302  # signed out, to set up the app
    assert victim.post("/login", data={"email": users.coordinator_al.email, "password": PASSWORD}
                       ).headers["Location"] == "/login/enrol-authenticator"
    # A party user may not turn it off for themselves once their party requires it.
    assert "party.require_2fa_changed" in audit_actions(albania)
    admin.post(f"/admin/parties/{albania.id}/two-step", data={})
    db.session.refresh(albania)
    assert not albania.require_2fa


def test_the_outbox_shows_queued_mail_to_admins_in_development_only(app, admin):
    _invite(admin)
    assert b"ana@example.eu" in admin.get("/admin/outbox").data
    app.config["ENV"] = "production"
    try:
        assert admin.get("/admin/outbox").status_code == 404
    finally:
        app.config["ENV"] = "testing"
