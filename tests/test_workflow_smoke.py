"""A report goes through the whole review round through the one transition function."""
from __future__ import annotations

import pytest

from ctportal.models import ReportState
from ctportal.services.review.workflow import Step, IncompleteReport, TransitionError, apply_transition

from tests.factories import approve, fill_report, make_round, report_of, request_changes, submit


def test_a_report_is_submitted_sent_back_resubmitted_and_approved(app, users):
    rnd = make_round()
    report = report_of(rnd, "AL")
    with pytest.raises(IncompleteReport) as exc:
        apply_transition(report, Step.submit, users.coordinator_al)
    assert len(exc.value.missing) == len(report.entries) == 39
    fill_report(report)
    submit(report, users.coordinator_al)
    assert report.state == ReportState.submitted and len(report.revisions) == 1
    request_changes(report, users.reviewer)
    assert report.state == ReportState.changes_requested
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    assert report.state == ReportState.approved
    assert report.approved_revision.number == 2


def test_a_contributor_cannot_submit_and_a_partner_cannot_approve(app, users):
    report = fill_report(report_of(make_round(), "AL"))
    with pytest.raises(TransitionError):
        apply_transition(report, Step.submit, users.contributor_al)
    submit(report, users.coordinator_al)
    with pytest.raises(TransitionError):
        apply_transition(report, Step.approve, users.coordinator_al)


def test_request_changes_needs_a_reason(app, users):
    report = submit(fill_report(report_of(make_round(), "RS")), users.coordinator_rs)
    with pytest.raises(TransitionError, match="reason"):
        apply_transition(report, Step.request_changes, users.reviewer, reason="  ")
