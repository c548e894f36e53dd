"""Nothing typed is lost (issue 13): an expired form token and an upload from the entry page.

With a real CSRF check: a form posted with an expired token answers with the form and the text
(the entry form whole, any other form's text to copy), never "Bad request… reload"; signed out,
the entry's text is kept for its user. The entry page's upload posts the typed answer with the
file and saves it first, so a refused file loses nothing.
"""
from __future__ import annotations

import sqlalchemy as sa

import pytest

from ctportal.models import Document, LoginSession, db
from ctportal.models.drafts import EntryDraft
from tests.access.world import MINIMAL_PDF
from tests.factories import make_round, report_of
from tests.helpers import PASSWORD, csrf_token_from
from tests.test_kept_drafts import TYPED, _time_out
from tests.test_reporting_entries import entry_url, form_for, reload
from tests.test_security_csrf import _sign_in


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def entry(app):
    entry = report_of(make_round(), "AL").entries[0]
    entry.narrative = "The saved narrative."
    db.session.commit()
    return entry


def _expired_token_post(client, entry, path="", **fields):
    """A post whose token belonged to an earlier sign-in of this browser (signed in again in another tab)."""
    return client.post(entry_url(entry) + path, data=form_for(entry, csrf_token="an-old-token", **fields))


def test_an_expired_token_shows_the_entry_form_again_with_the_text(client, users, entry):
    _sign_in(client, users.coordinator_al)
    response = _expired_token_post(client, entry, narrative=TYPED, challenges="Staff turnover.")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bad request" not in page and "reload" not in page.lower().split("</main>")[0].split("<main")[1]
    assert "the form had expired" in page and "save it again" in page
    assert TYPED in page and "Staff turnover." in page
    assert f'name="version" type="hidden" value="{entry.version}"' in page  # the conflict check as any save
    assert reload(entry).narrative == "The saved narrative."
    # The form shown carries a valid token: saving it again works.
    again = form_for(entry, narrative=TYPED, csrf_token=csrf_token_from(page))
    assert client.post(entry_url(entry), data=again).status_code == 302
    assert reload(entry).narrative == TYPED


def test_an_expired_token_on_another_partys_entry_shows_nothing_of_it(client, users, entry):
    _sign_in(client, users.coordinator_rs)
    response = _expired_token_post(client, entry, narrative="mine")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The saved narrative." not in page and entry.action.code not in page
    assert "mine" in page  # only what this browser sent, to copy


def test_an_expired_token_on_another_form_shows_its_text_to_copy(client, users, entry):
    _sign_in(client, users.coordinator_al)
    response = client.post(entry_url(entry) + "/comments", data={
        "body": "A long comment typed for the Commission.", "csrf_token": "an-old-token"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "A long comment typed for the Commission." in page and "What you sent (not saved)" in page
    assert "an-old-token" not in page  # never the token, nor any password or code


def test_an_expired_token_on_the_sign_in_form_echoes_no_password(client, users):
    response = client.post("/login", data={"email": users.coordinator_al.email, "password": PASSWORD})
    assert response.status_code == 400
    assert PASSWORD not in response.get_data(as_text=True)


def test_a_post_from_another_site_is_refused_and_nothing_is_echoed(client, users, entry):
    _sign_in(client, users.coordinator_al)
    response = client.post(entry_url(entry), data=form_for(entry, narrative="forged", csrf_token="x"),
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 400 and "forged" not in response.get_data(as_text=True)


def test_signed_out_with_an_expired_token_the_text_is_kept_for_its_user(client, users, entry):
    _sign_in(client, users.coordinator_al)
    _time_out(users.coordinator_al)
    response = _expired_token_post(client, entry, narrative=TYPED)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    db.session.commit()
    [kept] = db.session.scalars(sa.select(EntryDraft))
    assert kept.user_id == users.coordinator_al.id and kept.fields["narrative"] == [TYPED]
    assert "csrf_token" not in kept.fields


def test_the_session_cookie_alone_carries_no_text(app, client, users, entry):
    _sign_in(client, users.coordinator_al)
    _time_out(users.coordinator_al)
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post(entry_url(entry), data=form_for(entry, narrative=TYPED, csrf_token=token))
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert TYPED[:20] not in str(app.session_interface.get_signing_serializer(app).loads(cookie))
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) >= 1


# --- the upload on the entry page ----------------------------------------------------------------

def _upload(client, entry, content, name, **fields):
    token = csrf_token_from(client.get(entry_url(entry)).get_data(as_text=True))
    data = form_for(entry, csrf_token=token, **fields)
    data.pop("save")
    data.update({"upload-file": (__import__("io").BytesIO(content), name), "upload-title": "",
                 "upload-sensitivity": "limite"})
    return client.post(entry_url(entry) + "/documents/upload", data=data, content_type="multipart/form-data")


def test_the_entry_page_upload_saves_the_typed_answer_first(client, users, entry):
    _sign_in(client, users.coordinator_al)
    page = client.get(entry_url(entry)).get_data(as_text=True)
    assert 'form="entry-form"' in page and 'formenctype="multipart/form-data"' in page
    response = _upload(client, entry, MINIMAL_PDF, "evidence.pdf", narrative=TYPED)
    assert response.status_code == 302
    assert reload(entry).narrative == TYPED
    assert db.session.scalar(sa.select(Document.original_name)) == "evidence.pdf"
    assert "Your answer is saved" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_refused_upload_keeps_the_typed_answer(client, users, entry):
    _sign_in(client, users.coordinator_al)
    response = _upload(client, entry, b"<html><script>alert(1)</script></html>", "evidence.pdf", narrative=TYPED)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert TYPED in page and "File:" in page
    assert reload(entry).narrative == TYPED  # saved before the file was looked at
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_an_upload_over_someone_elses_save_shows_the_conflict_and_uploads_nothing(client, users, entry):
    _sign_in(client, users.coordinator_al)
    token = csrf_token_from(client.get(entry_url(entry)).get_data(as_text=True))
    opened_on = entry.version
    entry.narrative = "Someone else's save."
    db.session.commit()
    data = form_for(entry, csrf_token=token, narrative=TYPED, version=str(opened_on))
    data.pop("save")
    data.update({"upload-file": (__import__("io").BytesIO(MINIMAL_PDF), "evidence.pdf"),
                 "upload-sensitivity": "limite"})
    response = client.post(entry_url(entry) + "/documents/upload", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and TYPED in page and "The file was not uploaded" in page
    assert reload(entry).narrative == "Someone else's save."
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_an_upload_that_changes_nothing_typed_does_not_save_the_entry_again(client, users, entry):
    _sign_in(client, users.coordinator_al)
    version = entry.version
    assert _upload(client, entry, MINIMAL_PDF, "evidence.pdf", narrative="The saved narrative.").status_code == 302
    assert reload(entry).version == version
