"""The rules around the transitions: reasons, approval guards, records, reopening, carrying reviews."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ctportal import policy
from ctportal.models import (Assessment, AuditEvent, Comment, CompiledReport, CompiledReportRevision,
                             EntryReview, ReportState, Verdict, Visibility, db)
from ctportal.policy import Permission
from ctportal.services.review import reviews as review
from ctportal.services.review.workflow import Step, TransitionError, apply_transition, confirmation_token
from tests.factories import approve, fill_report, make_round, report_of, request_changes, submit


@pytest.fixture
def submitted(app, users):
    return submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_request_changes_and_reopen_need_a_reason(submitted, users, reason):
    with pytest.raises(TransitionError, match="reason"):
        apply_transition(submitted, Step.request_changes, users.reviewer, reason=reason)
    approve(submitted, users.reviewer)
    with pytest.raises(TransitionError, match="reason"):
        apply_transition(submitted, Step.reopen, users.reviewer2, reason=reason)
    assert submitted.state == ReportState.approved


def test_every_transition_is_an_audit_event_with_who_when_from_to_and_why(submitted, users):
    request_changes(submitted, users.reviewer, reason="Objective 2 is thin.")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.request_changes"))
    assert event.actor_id == users.reviewer.id and event.created_at is not None
    assert event.object_type == "report" and event.object_id == submitted.id
    assert event.detail == {"from_state": "submitted", "to_state": "changes_requested",
                            "reason": "Objective 2 is thin.", "revision": 1}
    system = db.session.scalar(sa.select(Comment).where(Comment.is_system.is_(True), Comment.report_id == submitted.id)
                               .order_by(Comment.id.desc()).limit(1))
    assert system.visibility == Visibility.shared and "Objective 2 is thin." in system.body


def test_approval_is_refused_while_an_entry_needs_revision(submitted, users):
    entry = submitted.entries[3]
    review.save_entry_review(submitted, entry, users.reviewer, verdict=Verdict.needs_revision,
                             assessment=None, note="")
    with pytest.raises(TransitionError, match=entry.key):
        apply_transition(submitted, Step.approve, users.reviewer)
    review.save_entry_review(submitted, entry, users.reviewer, verdict=Verdict.accepted, assessment=None, note="")
    apply_transition(submitted, Step.approve, users.reviewer,
                     confirmed=confirmation_token(submitted, Step.approve, users.reviewer))
    assert submitted.state == ReportState.approved


def test_nobody_approves_a_revision_they_submitted(submitted, users):
    submitted.revisions[-1].submitted_by_id = users.reviewer.id
    with pytest.raises(TransitionError, match="submitted themselves"):
        apply_transition(submitted, Step.approve, users.reviewer)
    apply_transition(submitted, Step.approve, users.reviewer2,
                     confirmed=confirmation_token(submitted, Step.approve, users.reviewer2))


def test_a_party_user_never_approves_even_its_own_partys_report(submitted, users):
    for key in ("coordinator_al", "contributor_al"):
        with pytest.raises(TransitionError, match="own party"):
            apply_transition(submitted, Step.approve, users[key],
                             confirmed=confirmation_token(submitted, Step.approve, users[key]))


def test_an_action_taken_on_a_stale_page_is_refused(submitted, users):
    stale = submitted.state_version
    request_changes(submitted, users.reviewer)
    submit(submitted, users.coordinator_al)
    with pytest.raises(TransitionError, match="changed since"):
        apply_transition(submitted, Step.approve, users.reviewer, expected_state_version=stale)


def test_approval_locks_the_report_and_records_revision_approver_and_time(submitted, users):
    approve(submitted, users.reviewer)
    assert submitted.approved_revision_id == submitted.revisions[-1].id
    assert submitted.approved_by_id == users.reviewer.id and submitted.approved_at is not None
    assert Permission.EDIT not in policy.report_permissions(users.coordinator_al, submitted)
    assert Permission.SUBMIT not in policy.report_permissions(users.coordinator_al, submitted)


def test_reopening_supersedes_every_compiled_pdf_with_the_revision_and_no_other(submitted, users):
    approve(submitted, users.reviewer)
    other = submit(fill_report(report_of(submitted.round, "RS")), users.coordinator_rs)
    approve(other, users.reviewer)
    with_it = CompiledReport(round_id=submitted.round_id, requested_by_id=users.secretariat.id)
    without_it = CompiledReport(round_id=submitted.round_id, requested_by_id=users.secretariat.id)
    db.session.add_all([with_it, without_it])
    db.session.flush()
    db.session.add_all([
        CompiledReportRevision(compiled_report_id=with_it.id, revision_id=submitted.approved_revision_id),
        CompiledReportRevision(compiled_report_id=with_it.id, revision_id=other.approved_revision_id),
        CompiledReportRevision(compiled_report_id=without_it.id, revision_id=other.approved_revision_id)])
    db.session.commit()
    apply_transition(submitted, Step.reopen, users.reviewer2, reason="A figure in 1.P3 was wrong.")
    db.session.commit()
    assert with_it.superseded_at is not None and "1.P3 was wrong" in with_it.superseded_reason
    assert without_it.superseded_at is None
    assert submitted.state == ReportState.changes_requested and submitted.approved_revision_id is None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "compile.superseded")) is not None


def test_resubmission_carries_reviews_of_unchanged_entries_forward(submitted, users):
    same, changed = submitted.entries[0], submitted.entries[1]
    for entry, verdict in ((same, Verdict.accepted), (changed, Verdict.needs_revision)):
        review.save_entry_review(submitted, entry, users.reviewer, verdict=verdict,
                                 assessment=Assessment.some_progress, note="n")
    request_changes(submitted, users.reviewer)
    changed.narrative = "Rewritten with the dates asked for."
    db.session.commit()
    submit(submitted, users.coordinator_al)
    reviews = review.reviews_for(submitted.revisions[-1])
    assert reviews[same.key].verdict == Verdict.accepted
    assert reviews[changed.key].verdict is None and reviews[changed.key].assessment == Assessment.some_progress
    assert review.changed_since_previous(submitted.revisions[-1]) == {changed.key}
    assert changed.key in review.remaining_keys(submitted) and same.key not in review.remaining_keys(submitted)
    assert db.session.scalar(sa.select(sa.func.count(EntryReview.id))) == 4
