"""A report's history: revisions, transitions, comments, approvals and downloads, for each reader."""
from __future__ import annotations

from ctportal.models import Visibility, db
from ctportal.services import audit
from ctportal.services.review import comments
from ctportal.services.review import reviews as review
from ctportal.services.review import timeline
from ctportal.services.review.workflow import Step, apply_transition
from tests.factories import approve, fill_report, make_round, report_of, request_changes, submit


def _kinds(items):
    return [(i.kind, i.title) for i in items]


def test_the_whole_history_newest_first(app, users):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    comments.post_comment(report, users.reviewer, "Shared remark", entry=report.entries[0])
    comments.post_comment(report, users.reviewer, "Internal remark", visibility=Visibility.internal)
    review.save_entry_review(report, report.entries[0], users.reviewer, verdict=review.Verdict.accepted,
                             assessment=None, note="")
    request_changes(report, users.reviewer, reason="Add dates.")
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    audit.record("document.downloaded", report, actor=users.coordinator_al, name="evidence.pdf")
    audit.record("report.pdf_downloaded", report, actor=users.reviewer, name="report.pdf")
    apply_transition(report, Step.reopen, users.reviewer2, reason="Wrong figure.")
    db.session.commit()

    commission = timeline.history(users.reviewer, report)
    titles = [t for _, t in _kinds(commission)]
    assert titles[0] == "Reopened"
    for expected in ("Revision 1 frozen", "Revision 2 frozen", "Submitted", "Changes requested", "Approved",
                     "Comment on entry " + report.entries[0].key, "Comment on the report",
                     "Downloaded: evidence.pdf", "Downloaded: report.pdf"):
        assert expected in titles
    assert any(i.internal and i.text == "Internal remark" for i in commission)
    assert [i.at for i in commission] == sorted((i.at for i in commission), reverse=True)
    reopen = commission[0]
    assert (reopen.actor, reopen.text, reopen.details["from"], reopen.details["to"]) == (
        "Reviewer2", "Wrong figure.", "Approved", "Changes requested")

    party = timeline.history(users.contributor_al, report)
    assert not any(i.internal for i in party)
    assert "Internal remark" not in [i.text for i in party]
    assert not any(i.kind == "review" for i in party), "verdict steps are the Commission's own"
    party_titles = [t for _, t in _kinds(party)]
    assert "Downloaded: evidence.pdf" in party_titles and "Downloaded: report.pdf" not in party_titles


def test_the_timeline_page_for_both_sides(app, users, client, auth):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    comments.post_comment(report, users.reviewer, "Internal <b>remark</b>", visibility=Visibility.internal)
    db.session.commit()
    auth.login("reviewer")
    page = client.get(f"/reports/{report.id}/timeline")
    assert b"Internal &lt;b&gt;remark&lt;/b&gt;" in page.data
    auth.logout()
    auth.login("coordinator_al")
    page = client.get(f"/reports/{report.id}/timeline")
    assert page.status_code == 200 and b"remark" not in page.data and b"Submitted" in page.data
    auth.logout()
    auth.login("coordinator_rs")
    assert client.get(f"/reports/{report.id}/timeline").status_code == 404
