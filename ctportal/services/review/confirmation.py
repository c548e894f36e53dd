"""What a step of the review round does, stated before it happens (issue 13, items 5 and 8).

Approving and submitting go through a confirmation page that states a summary: for an approval,
the entries reviewed, not reviewed and needing revision, and whether the report is assigned to
another reviewer; for a submission, what is sent (answers, documents, on a resubmission the
entries changed since the last one). The page carries the summary's token, and the workflow
(`apply_transition`, for every transition the table marks `confirmed`) refuses the step unless
the token still matches the report: a POST straight to the step (the old one-click Approve, a
script) is refused, and a summary that changed since it was read (a verdict given, an entry
edited in another tab, a new reviewer assigned) must be read again. The token is no secret: it
proves only that what was stated is what happens.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ctportal.models import Report, ReportState, User, db
from ctportal.services.reporting import revisions
from ctportal.services.reporting.documents import current_documents
from ctportal.services.review import diff
from ctportal.services.review import reviews as review


def _token(kind: str, report: Report, facts: Any) -> str:
    data = json.dumps([kind, report.id, report.state_version, facts], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ApprovalSummary:
    """What an approval approves, as the confirmation page states it."""

    revision_number: int
    total: int
    reviewed: int                 # entries of the revision with a verdict
    not_reviewed: list[str]       # entry keys without a verdict
    needing_revision: list[str]   # entry keys marked "needs revision": approval is refused
    assigned_to: User | None      # the assigned reviewer, when it is someone else
    token: str

    @property
    def refused(self) -> bool:
        return bool(self.needing_revision)


def approval_summary(report: Report, user: Any) -> ApprovalSummary | None:
    """The summary of approving the report's latest revision now (None: nothing submitted)."""
    latest = revisions.latest_revision(report)
    if latest is None:
        return None
    keys = [e["key"] for e in latest.snapshot["entries"]]
    remaining = review.remaining_keys(report)
    needing = [r.entry_key for r in review.needing_revision(report)]
    assigned = (db.session.get(User, report.assigned_reviewer_id)
                if report.assigned_reviewer_id and report.assigned_reviewer_id != getattr(user, "id", None) else None)
    facts = [latest.id, remaining, needing, report.assigned_reviewer_id]
    return ApprovalSummary(latest.number, len(keys), len(keys) - len(remaining), remaining, needing, assigned,
                           _token("approve", report, facts))


@dataclass(frozen=True)
class SubmissionSummary:
    """What a submission sends, as the confirmation page states it."""

    resubmission: bool
    total: int
    documents: int
    changed: list[str] = field(default_factory=list)            # resubmission: entries changed since the last one
    asked: list[str] = field(default_factory=list)              # resubmission: entries the Commission asked to revise
    asked_unchanged: list[str] = field(default_factory=list)    # … of which not changed
    token: str = ""


def submission_summary(report: Report) -> SubmissionSummary:
    """The summary of submitting the report as it stands now (the snapshot the submission would freeze)."""
    snapshot = revisions.build_snapshot(report)
    latest = revisions.latest_revision(report)
    resubmission = report.state == ReportState.changes_requested and latest is not None
    changed: list[str] = []
    asked: list[str] = []
    if resubmission and latest is not None:
        new = {e["key"]: e for e in snapshot["entries"]}
        changed_set = diff.changed_keys(revisions.entries_by_key(latest), new)
        changed = [e["key"] for e in snapshot["entries"] if e["key"] in changed_set]
        asked = [r.entry_key for r in review.needing_revision(report)]
    return SubmissionSummary(resubmission, len(snapshot["entries"]), len(current_documents(report)), changed, asked,
                             [k for k in asked if k not in changed],
                             _token("submit", report, revisions.snapshot_hash(snapshot)))
