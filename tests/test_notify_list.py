"""The in-portal notifications list: one's own only, read by a POST, the unread count in the menu."""
from __future__ import annotations

import re

import sqlalchemy as sa

from ctportal.models import Notification, db
from ctportal.services.messaging import notify
from tests.factories import fill_report, make_round, report_of, submit


def test_a_submission_appears_in_the_reviewers_list_and_opening_it_marks_it_read(app, users, client, auth):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    item = db.session.scalar(sa.select(Notification).where(Notification.user_id == users.reviewer.id))
    assert item.kind == "submitted" and item.link == f"/review/reports/{report.id}"
    assert notify.unread_count(users.reviewer) == 1
    auth.login("reviewer")
    page = client.get("/notifications/")
    assert "Coordinator Al submitted for review: Albania — Progress report 2026" in page.get_data(as_text=True)
    assert b'Notifications <span class="badge' in client.get("/home").data
    response = client.post(f"/notifications/{item.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == f"/review/reports/{report.id}"
    assert notify.unread_count(users.reviewer) == 0


def test_nobody_reads_or_marks_someone_elses_notification(app, users, client, auth):
    submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    theirs = db.session.scalar(sa.select(Notification).where(Notification.user_id == users.reviewer.id))
    auth.login("reviewer2")
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    assert b"Coordinator Al submitted for review" in client.get("/notifications/").data  # reviewer2's own copy
    client.post("/notifications/read-all")
    db.session.refresh(theirs)
    assert theirs.read_at is None
    assert notify.unread_count(users.reviewer2) == 0


def test_reading_the_list_changes_nothing(app, users, client, auth):
    submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    auth.login("reviewer")
    client.get("/notifications/")
    assert notify.unread_count(users.reviewer) == 1


def test_an_assigned_reviewer_is_told_unless_they_assigned_themselves(app, users):
    from ctportal.services.review import reviews as review
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    review.assign_reviewer(report, users.reviewer2, users.secretariat)
    review.assign_reviewer(report, users.reviewer, users.reviewer)
    db.session.commit()
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(sa.select(Notification))}
    assert (users.reviewer2.id, "assigned") in kinds and (users.reviewer.id, "assigned") not in kinds


def test_a_long_list_is_paged_newest_first_and_nothing_is_lost(app, users, client, auth):
    import datetime as dt
    start = dt.datetime(2026, 1, 1, 9, 0)
    db.session.add_all([Notification(user_id=users.reviewer.id, kind="submitted", subject=f"Notice number {i:03d}",
                                     created_at=start + dt.timedelta(minutes=i)) for i in range(120)])
    db.session.commit()
    auth.login("reviewer")
    first = client.get("/notifications/").get_data(as_text=True)
    assert "120 unread · 120 in all, newest first · page 1 of 3." in first
    assert "Notice number 119" in first and "Notice number 070" in first and "Notice number 069" not in first
    assert 'href="/notifications/?page=2">Older' in first and ">Newer<" not in first
    last = client.get("/notifications/?page=3").get_data(as_text=True)
    assert "Notice number 019" in last and "Notice number 000" in last and "Notice number 020" not in last
    assert 'href="/notifications/?page=2">Newer' in last and ">Older<" not in last
    seen = set()
    for page in (1, 2, 3):
        text = client.get(f"/notifications/?page={page}").get_data(as_text=True)
        seen |= set(re.findall(r"Notice number (\d{3})", text))
    assert len(seen) == 120
    # Beyond the last page shows the last page; nonsense shows the first.
    assert "page 3 of 3" in client.get("/notifications/?page=99").get_data(as_text=True)
    assert "page 1 of 3" in client.get("/notifications/?page=abc").get_data(as_text=True)
    # Marking one as read on page 3 comes back to page 3.
    oldest = db.session.scalar(sa.select(Notification).where(Notification.subject == "Notice number 000"))
    response = client.post(f"/notifications/{oldest.id}/read?page=3")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications/?page=3"
    assert notify.unread_count(users.reviewer) == 119
