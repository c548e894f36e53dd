"""Readable diffs, the reviewer's queue and accept-all with its preview."""
from __future__ import annotations

import pytest

from ctportal.models import RoundState, Verdict, db
from ctportal.services.review import diff
from ctportal.services.review import reviews as review
from ctportal.services.reporting.previous import previous_round_revision
from tests.factories import approve, fill_report, make_round, report_of, request_changes, submit


def test_a_word_diff_marks_insertions_and_deletions_and_escapes_everything():
    html = str(diff.word_diff("Two <b>trainings</b> held in May.", "Three <b>trainings</b> held in May & June."))
    assert "<del>Two</del><ins>Three</ins>" in html
    assert "&lt;b&gt;trainings&lt;/b&gt;" in html and "<b>" not in html
    assert "<del>May.</del><ins>May &amp; June.</ins>" in html


def test_entry_changes_name_the_fields_that_changed():
    old = {"status": "in_progress", "narrative": "A", "measures": [], "legal_acts": []}
    new = {"status": "achieved", "narrative": "A", "measures": [{"description": "Law", "taken_on": "2026-01-02"}],
           "legal_acts": []}
    changes = diff.entry_changes(old, new)
    assert [c.label for c in changes] == ["Implementation status", "Measures taken"]
    assert "<ins>Achieved</ins>" in str(changes[0].html)


def test_the_reviewer_sees_what_changed_since_the_previous_revision_and_round(app, users, client, auth):
    old_round = make_round("Progress report 2025", document_number="ST 1/25")
    old_round.period_end = old_round.period_end.replace(year=2025)
    previous = fill_report(report_of(old_round, "AL"), "Last year: {key}.")
    submit(previous, users.coordinator_al)
    approve(previous, users.reviewer)
    old_round.state = RoundState.closed
    new_round = make_round("Progress report 2026", document_number="ST 2/26")
    report = fill_report(report_of(new_round, "AL"), "This year: {key}.")
    submit(report, users.coordinator_al)
    entry = report.entries[0]
    assert previous_round_revision(report).id == previous.approved_revision_id
    auth.login("reviewer")
    page = client.get(f"/review/reports/{report.id}/entries/{entry.id}").get_data(as_text=True)
    assert "<del>Last</del><ins>This</ins>" in page
    assert "This is the first revision." in page


def test_the_queue_filters_and_shows_drafts_only_as_counts(app, users, client, auth):
    rnd = make_round()
    albania = submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    serbia = submit(fill_report(report_of(rnd, "RS")), users.coordinator_rs)
    fill_report(report_of(rnd, "ME"), "Draft text that reviewers must not read: {key}.", limit=5)
    request_changes(serbia, users.reviewer)
    albania.assigned_reviewer_id = users.reviewer2.id
    db.session.commit()
    auth.login("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    assert f"/review/reports/{albania.id}" in page and f"/review/reports/{serbia.id}" not in page
    assert "Montenegro" in page and "5 / " in page and "must not read" not in page
    page = client.get("/review/?state=all").get_data(as_text=True)
    assert f"/review/reports/{serbia.id}" in page
    page = client.get(f"/review/?state=all&party={serbia.party_id}").get_data(as_text=True)
    assert f"/review/reports/{albania.id}" not in page and f"/review/reports/{serbia.id}" in page
    assert f"/review/reports/{albania.id}" not in client.get("/review/?mine=y").get_data(as_text=True)
    auth.logout()
    auth.login("reviewer2")
    assert f"/review/reports/{albania.id}" in client.get("/review/?mine=y").get_data(as_text=True)


def test_accept_all_changes_exactly_what_the_preview_showed(app, users, client, auth):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    first = report.entries[0]
    review.save_entry_review(report, first, users.reviewer, verdict=Verdict.needs_revision, assessment=None, note="")
    db.session.commit()
    auth.login("reviewer")
    preview = client.get(f"/review/reports/{report.id}/accept-all").get_data(as_text=True)
    assert f"{len(report.entries) - 1}</strong> entries" in preview and f">{first.key}<" not in preview
    keys = review.remaining_keys(report)
    # Someone else decides one more entry after the preview: the confirmation is refused.
    review.save_entry_review(report, report.entries[1], users.reviewer2, verdict=Verdict.needs_revision,
                             assessment=None, note="")
    db.session.commit()
    revision_id = report.revisions[-1].id
    client.post(f"/review/reports/{report.id}/accept-all", data={"keys": ",".join(keys), "revision_id": revision_id})
    assert review.reviews_for(report.revisions[-1]).get(report.entries[2].key) is None
    keys = review.remaining_keys(report)
    client.post(f"/review/reports/{report.id}/accept-all", data={"keys": ",".join(keys), "revision_id": revision_id})
    reviews = review.reviews_for(report.revisions[-1])
    assert reviews[first.key].verdict == Verdict.needs_revision
    assert reviews[report.entries[1].key].verdict == Verdict.needs_revision
    assert all(reviews[e.key].verdict == Verdict.accepted for e in report.entries[2:])


@pytest.mark.parametrize("who", ["secretariat", "coordinator_al"])
def test_only_reviewers_give_verdicts(app, users, client, auth, who):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    auth.login(who)
    response = client.post(f"/review/reports/{report.id}/entries/{report.entries[0].id}",
                           data={"verdict": "accepted", "revision_id": report.revisions[-1].id})
    assert response.status_code == 403
    assert review.reviews_for(report.revisions[-1]) == {}
