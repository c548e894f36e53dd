"""Forgotten password: the same answer for every address, a one-time expiring link, sessions end."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ctportal.models import AccountToken, OutgoingMail, db, utcnow
from tests.helpers import PASSWORD, AuthActions, audit_actions, last_mail_link

NEW = "a fresh passphrase after forgetting"


def _ask(client, email):
    return client.post("/forgot-password", data={"email": email})


def _mails() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutgoingMail.id)))


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, users):
    known = _ask(client, users.coordinator_al.email)
    unknown = _ask(client, "nobody@example.eu")
    assert known.status_code == unknown.status_code == 200
    assert known.data.replace(users.coordinator_al.email.encode(), b"X") == \
        unknown.data.replace(b"nobody@example.eu", b"X")
    assert _mails() == 1  # only the real account got a message


def test_a_deactivated_account_gets_no_link_and_the_same_answer(client, users):
    users.coordinator_al.active = False
    db.session.commit()
    response = _ask(client, users.coordinator_al.email)
    assert b"Check your email" in response.data and _mails() == 0


def test_the_reset_link_sets_a_new_password_once_and_ends_every_session(app, client, users):
    elsewhere = app.test_client()
    AuthActions(elsewhere, users).login("coordinator_al")
    _ask(client, users.coordinator_al.email)
    link = last_mail_link(users.coordinator_al.email)
    assert client.get(link).status_code == 200
    assert client.post(link, data={"new_password": NEW, "confirm": NEW}).headers["Location"] == "/login"
    assert elsewhere.get("/home").status_code == 302
    assert AuthActions(client, users).login("coordinator_al", PASSWORD).status_code == 200
    assert AuthActions(client, users).login("coordinator_al", NEW).status_code == 302
    assert app.test_client().post(link, data={"new_password": PASSWORD + "!", "confirm": PASSWORD + "!"}
                                  ).status_code == 404
    assert {"account.reset_requested", "account.password_set"} <= set(audit_actions(users.coordinator_al))


def test_a_reset_link_expires(app, client, users):
    _ask(client, users.coordinator_al.email)
    link = last_mail_link(users.coordinator_al.email)
    db.session.execute(sa.update(AccountToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    db.session.commit()
    assert client.post(link, data={"new_password": NEW, "confirm": NEW}).status_code == 404


def test_a_reset_link_is_not_an_invitation_link(client, users):
    _ask(client, users.coordinator_al.email)
    token = last_mail_link(users.coordinator_al.email).rsplit("/", 1)[1]
    assert client.get(f"/invite/{token}").status_code == 404


def test_a_reset_unlocks_a_locked_account_but_keeps_the_second_step(app, client, users):
    users.reviewer.locked_until = utcnow() + dt.timedelta(minutes=10)
    db.session.commit()
    _ask(client, users.reviewer.email)
    client.post(last_mail_link(users.reviewer.email), data={"new_password": NEW, "confirm": NEW})
    response = client.post("/login", data={"email": users.reviewer.email, "password": NEW})
    assert response.headers["Location"] == "/login/second-factor"


def test_links_to_one_account_are_capped_silently(client, users):
    for _ in range(5):
        response = _ask(client, users.coordinator_al.email)
        assert response.status_code == 200 and b"Check your email" in response.data
    assert _mails() == 3
    assert "account.reset_throttled" in audit_actions(users.coordinator_al)


def test_asking_from_one_address_is_rate_limited(client, users):
    statuses = [_ask(client, f"someone{i}@example.eu").status_code for i in range(12)]
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]
