"""The transition table, exhaustively: every state × every action × every role.

The expectation is written out below as its own table, independent of workflow.TRANSITIONS:
a change to the table or to the policy that lets anyone else do anything shows up here.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ctportal.models import AuditEvent, Comment, ReportEvent, ReportState, Revision, db
from ctportal.services.review.workflow import (Step, TransitionError, allowed_actions, apply_transition,
                                              confirmation_token)
from tests.factories import approve, fill_report, make_round, report_of, request_changes, submit

ROLES = ("contributor_al", "coordinator_al", "coordinator_rs", "reporter_ec", "reviewer", "secretariat", "admin")

# (state, action) -> (roles that may, resulting state). Anything not listed is refused for everyone.
ALLOWED = {
    (ReportState.draft, Step.submit): ({"coordinator_al"}, ReportState.submitted),
    (ReportState.changes_requested, Step.submit): ({"coordinator_al"}, ReportState.submitted),
    (ReportState.submitted, Step.request_changes): ({"reviewer"}, ReportState.changes_requested),
    (ReportState.submitted, Step.approve): ({"reviewer"}, ReportState.approved),
    (ReportState.approved, Step.reopen): ({"reviewer"}, ReportState.changes_requested),
}


def _albania_report_in(state: ReportState, users):
    report = fill_report(report_of(make_round(), "AL"))
    if state == ReportState.draft:
        return report
    submit(report, users.coordinator_al)
    if state == ReportState.changes_requested:
        request_changes(report, users.reviewer2)
    elif state == ReportState.approved:
        approve(report, users.reviewer2)
    return report


def _counts(report_id: int) -> tuple[int, int, int, int]:
    def count(model, column):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(column == report_id))
    audit = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    return (count(ReportEvent, ReportEvent.report_id), count(Revision, Revision.report_id),
            count(Comment, Comment.report_id), audit)


@pytest.mark.parametrize("state", list(ReportState), ids=lambda s: s.value)
@pytest.mark.parametrize("role", ROLES)
def test_every_action_in_every_state_for_every_role(app, users, state, role):
    report = _albania_report_in(state, users)
    user = users[role]
    expected_allowed = {action for action in Step
                        if role in ALLOWED.get((state, action), (set(), None))[0]}
    assert set(allowed_actions(user, report)) == expected_allowed
    for action in Step:
        may, target = ALLOWED.get((state, action), (set(), None))
        before = _counts(report.id)
        savepoint = db.session.begin_nested()
        reason = "A reason given for the record."
        if role in may:
            event = apply_transition(report, action, user, reason=reason,
                                     confirmed=confirmation_token(report, action, user))
            assert report.state == target
            assert (event.action, event.from_state, event.to_state, event.actor_id) == (
                action.value, state, target, user.id)
            assert event.reason == reason and event.created_at is not None
            events, revisions_, comments, audit = _counts(report.id)
            assert events == before[0] + 1 and comments == before[2] + 1 and audit > before[3]
            assert revisions_ == before[1] + (1 if action == Step.submit else 0)
        else:
            with pytest.raises(TransitionError):  # with the confirmation: the table or the policy refuses
                apply_transition(report, action, user, reason=reason,
                                 confirmed=confirmation_token(report, action, user))
            assert report.state == state
            assert _counts(report.id) == before, "a refused transition left a trace"
        savepoint.rollback()
        db.session.expire_all()
        assert report.state == state


def test_the_table_has_no_other_transitions():
    from ctportal.services.review.workflow import TRANSITIONS
    assert {(t.source, t.action): t.target for t in TRANSITIONS} == {k: v[1] for k, v in ALLOWED.items()}
    reasons = {(t.source, t.action) for t in TRANSITIONS if t.reason_required}
    assert reasons == {(ReportState.submitted, Step.request_changes), (ReportState.approved, Step.reopen)}
