"""Issue 13, items 11 and 16: a line break (or any off-site trick) in a comment's `next` never answers
500, and an error that happens after the request committed never says "Nothing was changed"."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ctportal.models import Comment, db
from tests.factories import fill_report, make_round, report_of, submit


@pytest.fixture
def report(app, users):
    return submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)


@pytest.fixture
def error_pages(app, monkeypatch):
    monkeypatch.setitem(app.config, "TEST_ERROR_PAGES", True)


@pytest.mark.parametrize("target", [
    "/reports/1/comments\r\nLocation: https://evil.example", "/reports/1/comments\nX-Evil: 1",
    "/reports/1/comments%0d%0aSet-Cookie:%20a=b", "/\u2028/evil.example", "/reports/1/\x00comments",
])
def test_a_line_break_in_next_posts_the_comment_and_redirects_home_safely(app, users, client, auth, report,
                                                                           error_pages, target):
    auth.login("reviewer")
    response = client.post(f"/reports/{report.id}/comments",
                           data={"body": "Seen.", "visibility": "shared", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/reports/{report.id}/comments#comment-")
    assert "\n" not in response.headers["Location"] and "evil" not in response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count(Comment.id)).where(Comment.body == "Seen.")) == 1


def test_an_error_after_the_commit_says_what_was_saved_not_that_nothing_changed(
        app, users, client, auth, report, error_pages, monkeypatch):
    import ctportal.views.comments as comments_view

    def broken_flash(*args, **kwargs):
        raise RuntimeError("the flash after the commit failed")

    auth.login("reviewer")
    monkeypatch.setattr(comments_view, "flash", broken_flash)
    response = client.post(f"/reports/{report.id}/comments", data={"body": "Saved first.", "visibility": "shared"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Nothing was changed" not in page
    assert "saved what you sent" in page
    assert db.session.scalar(sa.select(sa.func.count(Comment.id)).where(Comment.body == "Saved first.")) == 1


def test_an_error_before_any_commit_still_says_nothing_changed(app, users, client, auth, report, error_pages,
                                                                monkeypatch):
    from ctportal.services.review import comments as comment_service

    def broken(*args, **kwargs):
        raise RuntimeError("the service failed")

    auth.login("reviewer")
    monkeypatch.setattr(comment_service, "post_comment", broken)
    response = client.post(f"/reports/{report.id}/comments", data={"body": "Lost.", "visibility": "shared"})
    assert response.status_code == 500 and "Nothing was changed" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Comment.id)).where(Comment.body == "Lost.")) == 0


def test_a_commit_that_wrote_nothing_is_no_change(tmp_path, database_url):
    from ctportal import create_app

    app = create_app({"ENV": "testing", "SECRET_KEY": "x", "DATABASE_URL": database_url,
                      "TEST_ERROR_PAGES": True, "JOBS_MODE": "immediate", "STORAGE_DIR": str(tmp_path)})

    @app.get("/boom-after-read")
    def boom():
        db.session.scalar(sa.select(sa.func.count(Comment.id)))
        db.session.commit()  # ends a transaction that only read
        raise RuntimeError("boom")

    response = app.test_client().get("/boom-after-read")
    assert response.status_code == 500 and "Nothing was changed" in response.get_data(as_text=True)
