"""Comments: threads per entry and report, shared or internal, tied to a revision, resolvable."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ctportal.models import Comment, Visibility, db
from ctportal.services.review import comments
from tests.factories import fill_report, make_round, report_of, request_changes, submit

SECRET = "Internal: the ministry's figures do not add up."


@pytest.fixture
def report(app, users):
    return submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)


def _thread_with_secret(report, users):
    entry = report.entries[0]
    shared = comments.post_comment(report, users.reviewer, "Please add dates.", entry=entry)
    internal = comments.post_comment(report, users.reviewer, SECRET, entry=entry, visibility=Visibility.internal)
    comments.post_comment(report, users.reviewer2, "Agreed, " + SECRET, parent=internal, entry=entry)
    db.session.commit()
    return entry, shared, internal


def test_a_comment_is_tied_to_the_revision_it_was_written_on(report, users):
    entry, shared, _ = _thread_with_secret(report, users)
    assert shared.revision_id == report.revisions[0].id
    request_changes(report, users.reviewer)
    submit(report, users.coordinator_al)
    later = comments.post_comment(report, users.reviewer, "On the second revision.", entry=entry)
    assert later.revision_id == report.revisions[1].id


def test_a_reply_takes_its_threads_visibility_and_replies_to_replies_join_the_thread(report, users):
    entry, shared, internal = _thread_with_secret(report, users)
    reply = comments.post_comment(report, users.reviewer, "Shared? No.", entry=entry, parent=internal,
                                  visibility=Visibility.shared)
    assert reply.visibility == Visibility.internal and reply.parent_id == internal.id
    nested = comments.post_comment(report, users.reviewer, "Nested", entry=entry, parent=reply)
    assert nested.parent_id == internal.id


def test_party_users_cannot_write_or_answer_internal_comments(report, users):
    entry, _, internal = _thread_with_secret(report, users)
    with pytest.raises(comments.CommentForbidden):
        comments.post_comment(report, users.coordinator_al, "x", entry=entry, visibility=Visibility.internal)
    with pytest.raises(comments.CommentError):
        comments.post_comment(report, users.coordinator_al, "x", entry=entry, parent=internal)


@pytest.mark.parametrize("path", ["/reports/{r}/entries/{e}/comments", "/reports/{r}/feedback",
                                  "/reports/{r}/timeline", "/notifications/"])
def test_no_page_shows_an_internal_comment_to_the_party(report, users, client, auth, path):
    entry, _, _ = _thread_with_secret(report, users)
    request_changes(report, users.reviewer)
    for key in ("coordinator_al", "contributor_al"):
        auth.login(key)
        page = client.get(path.format(r=report.id, e=entry.id))
        assert page.status_code == 200
        assert b"figures do not add up" not in page.data and b"Internal (Commission only)" not in page.data
        assert b"Please add dates." in page.data or path == "/notifications/"
        auth.logout()
    auth.login("reviewer2")
    assert b"figures do not add up" in client.get(path.format(r=report.id, e=entry.id)).data \
        or path in ("/reports/{r}/feedback", "/notifications/")


def test_a_forged_internal_comment_from_a_party_user_is_refused(report, users, client, auth):
    auth.login("coordinator_al")
    entry = report.entries[0]
    response = client.post(f"/reports/{report.id}/entries/{entry.id}/comments",
                           data={"body": "Forged", "visibility": "internal"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(Comment).where(Comment.body == "Forged")) is None
    page = client.get(f"/reports/{report.id}/entries/{entry.id}/comments")
    assert b'value="internal"' not in page.data, "internal is never offered to a party user"


def test_a_party_user_cannot_reply_into_an_internal_thread_by_its_id(report, users, client, auth):
    entry, _, internal = _thread_with_secret(report, users)
    auth.login("coordinator_al")
    response = client.post(f"/reports/{report.id}/entries/{entry.id}/comments",
                           data={"body": "Sneaky reply", "visibility": "shared", "parent_id": internal.id})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(Comment).where(Comment.body == "Sneaky reply")) is None


def test_the_partner_replies_in_the_same_thread_and_the_reviewer_resolves_it(report, users, client, auth):
    entry, shared, _ = _thread_with_secret(report, users)
    auth.login("contributor_al")
    client.post(f"/reports/{report.id}/entries/{entry.id}/comments",
                data={"body": "Dates added.", "visibility": "shared", "parent_id": shared.id})
    assert client.post(f"/reports/{report.id}/comments/{shared.id}/resolve").status_code == 403
    auth.logout()
    reply = db.session.scalar(sa.select(Comment).where(Comment.body == "Dates added."))
    assert reply.parent_id == shared.id and reply.visibility == Visibility.shared
    auth.login("reviewer")
    assert client.post(f"/reports/{report.id}/comments/{reply.id}/resolve",
                       data={"resolved": "1"}).status_code == 302
    db.session.refresh(shared)
    assert shared.resolved_at is not None and shared.resolved_by_id == users.reviewer.id
    client.post(f"/reports/{report.id}/comments/{shared.id}/resolve", data={"resolved": "0"})
    db.session.refresh(shared)
    assert shared.resolved_at is None


def test_a_comment_is_loaded_through_its_report(report, users, client, auth):
    other = submit(fill_report(report_of(report.round, "RS")), users.coordinator_rs)
    theirs = comments.post_comment(other, users.reviewer, "On Serbia.")
    db.session.commit()
    auth.login("reviewer")
    assert client.post(f"/reports/{report.id}/comments/{theirs.id}/resolve").status_code == 404
    response = client.post(f"/reports/{report.id}/comments", data={"body": "x", "parent_id": theirs.id,
                                                                   "visibility": "shared"})
    assert response.status_code == 404


def test_an_empty_comment_is_refused_with_the_field_named(report, users, client, auth):
    auth.login("reviewer")
    response = client.post(f"/reports/{report.id}/comments", data={"body": "   ", "visibility": "shared"},
                           follow_redirects=True)
    assert b"Comment: Write a comment before sending it." in response.data


def test_an_offsite_next_is_ignored(report, users, client, auth):
    auth.login("reviewer")
    response = client.post(f"/reports/{report.id}/comments",
                           data={"body": "Hello", "visibility": "shared", "next": "//evil.example/"})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_the_feedback_page_shows_the_commission_exactly_what_the_party_sees(report, users, client, auth):
    entry, _, _ = _thread_with_secret(report, users)
    comments.post_comment(report, users.reviewer, "Report-level, internal: " + SECRET, visibility=Visibility.internal)
    from ctportal.services.review import reviews as review
    review.save_entry_review(report, entry, users.reviewer, verdict=review.Verdict.needs_revision,
                             assessment=None, note="")
    request_changes(report, users.reviewer)
    auth.login("reviewer2")
    page = client.get(f"/reports/{report.id}/feedback").get_data(as_text=True)
    assert "Please add dates." in page and "figures do not add up" not in page
