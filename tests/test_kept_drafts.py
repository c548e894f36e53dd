"""Nothing typed is lost (issue 13, items 1-3): unsaved drafts of an entry's form, kept for their user only.

The autosave keeps the typed form as the user's draft without touching the entry; the entry page
restores it with a notice; saving or discarding removes it, and so does a day. A save posted after
the idle limit keeps the text for the user of the timed-out session and lands them back on the form
once signed in again. Another party's user gets a 404 and nothing of the draft; a colleague of the
same party gets nothing either.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from ctportal.models import Entry, LoginSession, User, db, utcnow
from ctportal.models.drafts import EntryDraft
from ctportal.services import schedule
from ctportal.services.reporting import drafts
from tests.factories import make_round, report_of
from tests.helpers import PASSWORD
from tests.test_reporting_entries import entry_url, form_for, reload

TYPED = "Typed but not saved: the new CT law passed its first reading on 3 March."


@pytest.fixture
def al(app):
    return report_of(make_round(), "AL")


@pytest.fixture
def entry(al) -> Entry:
    entry = al.entries[0]
    entry.narrative = "The saved narrative."
    db.session.commit()
    return entry


def _drafts() -> list[EntryDraft]:
    db.session.commit()  # a fresh read: a periodic task commits from a session of its own
    return list(db.session.scalars(sa.select(EntryDraft)))


def _autosave(client, entry, **fields):
    return client.post(entry_url(entry) + "/draft", data=form_for(entry, **fields))


def _time_out(user: User) -> None:
    """The user's live sessions have been idle longer than the limit."""
    db.session.execute(sa.update(LoginSession).where(LoginSession.user_id == user.id)
                       .values(last_seen_at=utcnow() - dt.timedelta(minutes=31)))
    db.session.commit()


# --- the autosave and the restored draft -----------------------------------------------------------

def test_the_autosave_keeps_the_draft_and_leaves_the_entry_unchanged(client, auth, entry):
    auth.login("coordinator_al")
    response = _autosave(client, entry, narrative=TYPED, status="in_progress")
    assert response.status_code == 200 and response.json["label"].endswith("UTC")
    assert reload(entry).narrative == "The saved narrative."  # the entry is saved only by Save
    page = client.get(entry_url(entry)).get_data(as_text=True)
    assert "Unsaved draft from" in page and "restored" in page
    assert TYPED in page
    assert "Discard the unsaved draft" in page
    assert 'data-unsaved="1"' in page  # leaving the page asks first


def test_saving_removes_the_draft_and_saves_what_was_typed(client, auth, entry):
    auth.login("coordinator_al")
    _autosave(client, entry, narrative=TYPED)
    assert len(_drafts()) == 1
    assert client.post(entry_url(entry), data=form_for(entry, narrative=TYPED)).status_code == 302
    assert reload(entry).narrative == TYPED
    assert _drafts() == []
    assert "Unsaved draft" not in client.get(entry_url(entry)).get_data(as_text=True)


def test_discarding_removes_the_draft(client, auth, entry):
    auth.login("coordinator_al")
    _autosave(client, entry, narrative=TYPED)
    response = client.post(entry_url(entry) + "/draft/discard", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The unsaved draft was discarded" in page and TYPED not in page
    assert _drafts() == []
    assert reload(entry).narrative == "The saved narrative."


def test_a_draft_is_its_users_only(client, auth, entry, users):
    auth.login("coordinator_al")
    _autosave(client, entry, narrative=TYPED)
    auth.logout()
    # A colleague of the same party opens the entry: the saved version, nothing of the draft.
    auth.login("contributor_al")
    page = client.get(entry_url(entry)).get_data(as_text=True)
    assert TYPED not in page and "Unsaved draft" not in page
    auth.logout()
    # Another party's user: 404 on every draft route, exactly like a missing entry, and nothing written.
    auth.login("coordinator_rs")
    assert _autosave(client, entry, narrative="planted").status_code == 404
    assert client.post(entry_url(entry) + "/draft/discard").status_code == 404
    assert client.get(entry_url(entry)).status_code == 404
    assert [(d.user_id, d.fields["narrative"]) for d in _drafts()] == [(users.coordinator_al.id, [TYPED])]


def test_a_draft_older_than_a_day_is_not_restored_and_is_pruned(client, auth, entry, monkeypatch):
    auth.login("coordinator_al")
    _autosave(client, entry, narrative=TYPED)
    db.session.execute(sa.update(EntryDraft).values(saved_at=utcnow() - dt.timedelta(hours=25)))
    db.session.commit()
    assert TYPED not in client.get(entry_url(entry)).get_data(as_text=True)
    monkeypatch.setattr(schedule, "now", utcnow)
    assert schedule.daily_drafts.call_local() == "1 unsaved draft(s) older than a day removed"
    assert _drafts() == []


def test_a_draft_a_day_old_is_kept_until_then(app, entry, users):
    drafts.keep(users.coordinator_al, entry, [("version", ["1"]), ("narrative", [TYPED])])
    db.session.commit()
    assert drafts.prune(utcnow() + dt.timedelta(hours=23)) == 0
    assert drafts.find(users.coordinator_al, entry) is not None
    assert drafts.prune(utcnow() + dt.timedelta(hours=24, seconds=1)) == 1


def test_a_restored_draft_meets_the_conflict_check_as_any_save(client, auth, entry):
    auth.login("coordinator_al")
    _autosave(client, entry, narrative=TYPED)  # started on version 1
    entry.narrative = "Someone else's save."
    db.session.commit()  # version 2
    page = client.get(entry_url(entry)).get_data(as_text=True)
    assert TYPED in page and "saved by someone since you started your draft" in page
    restored = {"version": str(reload(entry).version - 1)}
    response = client.post(entry_url(entry), data=form_for(entry, narrative=TYPED, **restored))
    assert response.status_code == 409
    assert "someone else saved this action first" in response.get_data(as_text=True)
    assert reload(entry).narrative == "Someone else's save."
    assert len(_drafts()) == 1  # not saved: the draft stays


def test_an_unchanged_autosave_is_not_offered_as_a_draft(client, auth, entry):
    auth.login("coordinator_al")
    _autosave(client, entry, narrative="The saved narrative.")
    assert "Unsaved draft" not in client.get(entry_url(entry)).get_data(as_text=True)


def test_a_draft_larger_than_the_form_can_hold_is_refused(client, auth, entry):
    auth.login("coordinator_al")
    assert _autosave(client, entry, narrative="x" * (drafts.MAX_CHARACTERS + 1)).status_code == 413
    assert _drafts() == []


# --- the session ended while typing -----------------------------------------------------------------

def test_a_save_after_the_idle_limit_keeps_the_text_and_restores_it_after_signing_in(app, client, auth, entry,
                                                                                        users):
    auth.login("coordinator_al")
    _time_out(users.coordinator_al)
    response = client.post(entry_url(entry), data=form_for(entry, narrative=TYPED))
    assert response.status_code == 302
    login = response.headers["Location"]
    assert login.startswith("/login?next=") and unquote(login.split("next=", 1)[1]) == entry_url(entry)
    assert "reload" not in login and "Typed" not in unquote(login)  # never the text in a URL
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert "Typed" not in str(app.session_interface.get_signing_serializer(app).loads(cookie))
    assert reload(entry).narrative == "The saved narrative."
    [kept] = _drafts()
    assert kept.user_id == users.coordinator_al.id and kept.fields["narrative"] == [TYPED]
    page = client.get(login).get_data(as_text=True)
    assert "what you typed is kept for you" in page
    signed_in = client.post(login, data={"email": users.coordinator_al.email, "password": PASSWORD})
    assert signed_in.headers["Location"] == entry_url(entry)
    page = client.get(entry_url(entry)).get_data(as_text=True)
    assert TYPED in page and "Unsaved draft from" in page
    assert client.post(entry_url(entry), data=form_for(entry, narrative=TYPED)).status_code == 302
    assert reload(entry).narrative == TYPED and _drafts() == []


def test_the_autosave_after_the_idle_limit_answers_401_and_keeps_the_text(client, auth, entry, users):
    auth.login("coordinator_al")
    _time_out(users.coordinator_al)
    response = _autosave(client, entry, narrative=TYPED)
    assert response.status_code == 401
    assert response.json["signed_out"] is True and response.json["kept"] is True
    assert [d.fields["narrative"] for d in _drafts()] == [[TYPED]]


def test_nothing_is_kept_for_a_timed_out_user_on_another_partys_entry(client, auth, entry, users):
    auth.login("coordinator_rs")
    _time_out(users.coordinator_rs)
    response = client.post(entry_url(entry), data=form_for(entry, narrative="planted"))
    assert response.status_code == 302 and "next=" in response.headers["Location"]
    assert _drafts() == []


def test_nothing_is_kept_after_signing_out_or_a_password_change(client, auth, entry, users):
    auth.login("coordinator_al")
    auth.logout()  # the cookie no longer names anyone
    client.post(entry_url(entry), data=form_for(entry, narrative="after sign-out"))
    auth.login("coordinator_al")
    _time_out(users.coordinator_al)
    db.session.execute(sa.update(User).where(User.id == users.coordinator_al.id)
                       .values(password_changed_at=utcnow()))
    db.session.commit()
    client.post(entry_url(entry), data=form_for(entry, narrative="after a password change"))
    assert _drafts() == []


# --- "Stay signed in" -----------------------------------------------------------------------------------

def test_stay_signed_in_starts_the_idle_time_again(client, auth, users):
    auth.login("coordinator_al")
    db.session.execute(sa.update(LoginSession).values(last_seen_at=utcnow() - dt.timedelta(minutes=25)))
    db.session.commit()
    response = client.post("/session/keep-alive")
    assert response.status_code == 200 and response.json["alive"] is True and response.json["idle_left"] >= 1795
    db.session.expire_all()
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == users.coordinator_al.id))
    assert utcnow() - row.last_seen_at < dt.timedelta(seconds=5)


def test_stay_signed_in_cannot_revive_an_ended_session(client, auth, users):
    auth.login("coordinator_al")
    _time_out(users.coordinator_al)
    response = client.post("/session/keep-alive")
    assert response.status_code == 401 and response.json["signed_out"] is True
    assert client.get("/home").status_code == 302


def test_every_page_carries_the_idle_warning_for_a_signed_in_user(client, auth):
    assert 'id="idle-warning"' not in client.get("/login").get_data(as_text=True)
    auth.login("coordinator_al")
    page = client.get("/home").get_data(as_text=True)
    assert 'id="idle-warning"' in page and 'data-idle-seconds="1800"' in page and "Stay signed in" in page
    assert "js/keep.js" in page
