"""The review pages, used as reviewers and partners use them."""
from __future__ import annotations

import re

import sqlalchemy as sa

from ctportal.models import Comment, ReportState, db
from tests.factories import fill_report, make_round, report_of, submit


def _submitted(users, code="AL"):
    rnd = make_round()
    report = fill_report(report_of(rnd, code))
    submit(report, users.coordinator_al if code == "AL" else users.coordinator_rs)
    return report


def test_reviewer_walks_the_whole_round(client, auth, users):
    report = _submitted(users)
    first, second = report.entries[0], report.entries[1]
    auth.login("reviewer")
    assert client.get("/review/").status_code == 200
    page = client.get(f"/review/reports/{report.id}")
    assert page.status_code == 200 and first.key.encode() in page.data
    assert client.get(f"/review/reports/{report.id}/entries/{first.id}").status_code == 200
    rev = report.revisions[-1]
    r = client.post(f"/review/reports/{report.id}/entries/{first.id}",
                    data={"verdict": "needs_revision", "assessment": "some_progress", "note": "ok",
                          "revision_id": rev.id})
    assert r.status_code == 302
    r = client.post(f"/reports/{report.id}/entries/{first.id}/comments",
                    data={"body": "Please add dates. @coordinator.al", "visibility": "shared"})
    assert r.status_code == 302
    r = client.post(f"/reports/{report.id}/entries/{second.id}/comments",
                    data={"body": "Between us: weak.", "visibility": "internal"})
    assert r.status_code == 302
    preview = client.get(f"/review/reports/{report.id}/accept-all")
    assert preview.status_code == 200
    r = client.post(f"/review/reports/{report.id}/request-changes",
                    data={"reason": "Entry 1 needs dates.", "state_version": report.state_version})
    assert r.status_code == 302, r.data
    db.session.refresh(report)
    assert report.state == ReportState.changes_requested
    auth.logout()
    auth.login("coordinator_al")
    feedback = client.get(f"/reports/{report.id}/feedback")
    assert feedback.status_code == 200
    assert b"Please add dates." in feedback.data and b"Between us" not in feedback.data
    assert client.get(f"/reports/{report.id}/timeline").status_code == 200
    assert b"Between us" not in client.get(f"/reports/{report.id}/timeline").data
    assert client.get("/notifications/").status_code == 200
    assert client.get(f"/review/reports/{report.id}").status_code == 403
    thread = db.session.scalar(sa.select(Comment).where(Comment.entry_id == first.id))
    r = client.post(f"/reports/{report.id}/entries/{first.id}/comments",
                    data={"body": "Dates added.", "parent_id": thread.id, "visibility": "shared"})
    assert r.status_code == 302
    forged = client.post(f"/reports/{report.id}/entries/{first.id}/comments",
                         data={"body": "sneaky", "visibility": "internal"})
    assert forged.status_code == 403
    first.narrative = "Progress was made, with dates: 2026-01-10."
    db.session.commit()
    submit(report, users.coordinator_al)
    auth.logout()
    auth.login("reviewer")
    page = client.get(f"/review/reports/{report.id}")
    assert page.status_code == 200
    entry_page = client.get(f"/review/reports/{report.id}/entries/{first.id}")
    assert b"<ins>" in entry_page.data
    rev = report.revisions[-1]
    client.post(f"/review/reports/{report.id}/entries/{first.id}",
                data={"verdict": "accepted", "assessment": "good_progress", "note": "", "revision_id": rev.id})
    r = client.post(f"/review/reports/{report.id}/accept-all",
                    data={"keys": ",".join(e.key for e in report.entries if e.key != first.key),
                          "revision_id": rev.id})
    assert r.status_code == 302
    confirm = client.get(f"/review/reports/{report.id}/approve")
    assert b"Entries reviewed" in confirm.data
    token = re.search(r'name="confirmed" type="hidden" value="([0-9a-f]+)"', confirm.data.decode()).group(1)
    r = client.post(f"/review/reports/{report.id}/approve",
                    data={"state_version": report.state_version, "confirmed": token})
    assert r.status_code == 302
    db.session.refresh(report)
    assert report.state == ReportState.approved
    assert client.get(f"/reports/{report.id}/timeline").status_code == 200
    assert client.get(f"/review/reports/{report.id}/reopen").status_code == 200
