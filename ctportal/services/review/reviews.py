"""The reviewer's side: the queue, verdicts and assessments per entry, accepting what remains.

Reviews belong to a revision (EntryReview is unique per revision and entry key). When a report
is resubmitted, the reviews of entries that did not change are carried forward to the new
revision, so the reviewer only has to look at what changed; a changed entry keeps its
assessment and note but needs a new verdict.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm as so

from ctportal.domain import entry_fields
from ctportal.domain.errors import DomainError
from ctportal import policy
from ctportal.models import (Assessment, Entry, EntryReview, Party, Report, ReportEvent, ReportState,
                             Revision, Round, RoundState, User, Verdict, db, utcnow)
from ctportal.policy import Permission
from ctportal.services.review import diff
from ctportal.services.reporting import revisions
from ctportal.services.reporting.entries import check_text
from ctportal.services.reporting.outlines import outlines
from ctportal.services.reporting.progress import progress_counts


class ReviewError(DomainError):
    """A review step that may not happen now; the message says why."""


# --- the queue ------------------------------------------------------------------------------------

QUEUE_STATES = ("submitted", "changes_requested", "approved", "all")


@dataclass
class QueueRow:
    report: Report
    revision: Revision | None
    waiting_since: dt.datetime | None
    reviewed: int
    total: int
    needs_revision: int
    assigned: User | None

    @property
    def waiting_days(self) -> int | None:
        if self.waiting_since is None:
            return None
        return (utcnow() - self.waiting_since).days


@dataclass
class DraftCount:
    report: Report
    answered: int
    total: int


def queue(user: Any, *, round_id: int | None = None, party_id: int | None = None, state: str = "submitted",
          mine: bool = False) -> list[QueueRow]:
    """Reports past the draft stage that the user may see, longest waiting first."""
    query = (sa.select(Report).join(Round).join(Party)
             .where(policy.visible_reports_clause(user), Report.state != ReportState.draft))
    if round_id:
        query = query.where(Report.round_id == round_id)
    if party_id:
        query = query.where(Report.party_id == party_id)
    if state in ReportState.__members__ and state != "draft":
        query = query.where(Report.state == ReportState(state))
    if mine:
        query = query.where(Report.assigned_reviewer_id == user.id)
    reports = list(db.session.scalars(query.order_by(Round.id, Party.sort_order).options(
        so.selectinload(Report.party), so.selectinload(Report.round))))
    latest = revisions.latest_revisions([r.id for r in reports], snapshots=False)
    entry_counts = {revision_id: len(outline) for revision_id, outline in outlines(latest.values()).items()}
    verdicts = verdict_counts([rev.id for rev in latest.values()])
    last_events = last_event_times([r.id for r in reports if r.state != ReportState.submitted])
    assigned = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_({r.assigned_reviewer_id for r in reports if r.assigned_reviewer_id})))}
    rows = []
    for report in reports:
        revision = latest.get(report.id)
        reviewed, needing = verdicts.get(revision.id, (0, 0)) if revision else (0, 0)
        since = report.submitted_at if report.state == ReportState.submitted else last_events.get(report.id)
        rows.append(QueueRow(
            report, revision, since, reviewed=reviewed, needs_revision=needing,
            total=entry_counts.get(revision.id, 0) if revision else 0,
            assigned=assigned.get(report.assigned_reviewer_id) if report.assigned_reviewer_id else None))
    rows.sort(key=lambda r: (r.report.state != ReportState.submitted, r.waiting_since or utcnow()))
    return rows


def draft_counts(user: Any, *, round_id: int | None = None, party_id: int | None = None) -> list[DraftCount]:
    """Drafts in open rounds, as progress counts only: reviewers do not read drafts."""
    if not policy.is_commission(user):
        return []
    query = (sa.select(Report).join(Round).join(Party)
             .where(Report.state == ReportState.draft, Round.state == RoundState.open))
    if round_id:
        query = query.where(Report.round_id == round_id)
    if party_id:
        query = query.where(Report.party_id == party_id)
    reports = list(db.session.scalars(query.order_by(Round.id, Party.sort_order).options(
        so.selectinload(Report.party), so.selectinload(Report.round))))
    counts = progress_counts([r.id for r in reports])
    return [DraftCount(r, *counts.get(r.id, (0, 0))) for r in reports]


def verdict_counts(revision_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(entries with a verdict, entries needing revision) per revision, counted by the database."""
    if not revision_ids:
        return {}
    rows = db.session.execute(
        sa.select(EntryReview.revision_id, sa.func.count(EntryReview.verdict),
                  sa.func.count(EntryReview.id).filter(EntryReview.verdict == Verdict.needs_revision))
        .where(EntryReview.revision_id.in_(revision_ids)).group_by(EntryReview.revision_id))
    return {rev_id: (reviewed, needing) for rev_id, reviewed, needing in rows}


def last_event_times(report_ids: list[int]) -> dict[int, dt.datetime]:
    if not report_ids:
        return {}
    rows = db.session.execute(
        sa.select(ReportEvent.report_id, sa.func.max(ReportEvent.created_at))
        .where(ReportEvent.report_id.in_(report_ids)).group_by(ReportEvent.report_id))
    return {report_id: at for report_id, at in rows}


def last_event_at(report: Report) -> dt.datetime | None:
    return db.session.scalar(sa.select(sa.func.max(ReportEvent.created_at)).where(ReportEvent.report_id == report.id))


def assign_reviewer(report: Report, reviewer: User | None, actor: User) -> None:
    from ctportal.services import audit

    if not policy.may_assign_reviewer(actor, report):
        raise ReviewError(gettext("Your account may not assign a reviewer to this report."))
    if reviewer is not None and (reviewer.role.value != "reviewer" or not reviewer.active):
        raise ReviewError(gettext("Choose an active Commission reviewer."))
    previous = report.assigned_reviewer_id
    report.assigned_reviewer_id = reviewer.id if reviewer else None
    db.session.flush()
    audit.record("report.reviewer_assigned", report, actor=actor,
                 reviewer=reviewer.email if reviewer else None)
    if reviewer is not None and reviewer.id != previous:
        from ctportal.services.messaging import notify
        notify.send([reviewer], "assigned", f"Assigned to you: {notify.report_label(report)}",
                    "review_assigned.txt", link=notify.path_for("review.report", report_id=report.id),
                    exclude=actor, actor=actor, report=report, label=notify.report_label(report))


def reviewer_choices() -> list[User]:
    from ctportal.models import Role
    return list(db.session.scalars(sa.select(User).where(User.role == Role.reviewer, User.active.is_(True))
                                   .order_by(User.name)))


# --- reviews of a revision ------------------------------------------------------------------------

def reviews_for(revision: Revision | None) -> dict[str, EntryReview]:
    if revision is None:
        return {}
    return {r.entry_key: r for r in db.session.scalars(
        sa.select(EntryReview).where(EntryReview.revision_id == revision.id))}


def previous_revision(revision: Revision, *, snapshot: bool = True) -> Revision | None:
    """The revision before `revision`; without its snapshot loaded (until read) if `snapshot` is False."""
    query = (sa.select(Revision).where(Revision.report_id == revision.report_id, Revision.number < revision.number)
             .order_by(Revision.number.desc()).limit(1))
    return db.session.scalar(query if snapshot else query.options(so.defer(Revision.snapshot)))


# Changed keys per pair of revisions, kept per process (issue 14): a revision never changes once made,
# so neither does what changed between two of them. Known by ids and snapshot hashes, as outlines.py
# keeps outlines: the review page no longer decodes the previous revision's whole snapshot each view.
_CHANGED_KEPT = 512
_changed: OrderedDict[tuple[int, str, int, str], frozenset[str]] = OrderedDict()
_changed_lock = threading.Lock()


def changed_between(before: Revision, after: Revision) -> frozenset[str]:
    """Keys of the entries of `after` that differ from `before` (diff.changed_keys), kept per process."""
    key = (before.id, before.snapshot_sha256, after.id, after.snapshot_sha256)
    with _changed_lock:
        found = _changed.get(key)
        if found is not None:
            _changed.move_to_end(key)
            return found
    made = frozenset(diff.changed_keys(revisions.entries_by_key(before), revisions.entries_by_key(after)))
    with _changed_lock:
        _changed[key] = made
        while len(_changed) > _CHANGED_KEPT:
            _changed.popitem(last=False)
    return made


def changed_since_previous(revision: Revision, before: Revision | None | Literal["ask"] = "ask") -> set[str]:
    """Keys of the entries that changed since the revision before (all of them for the first);
    `before` when the caller has it already (None: there is none)."""
    if isinstance(before, str):
        before = previous_revision(revision, snapshot=False)
    if before is None:
        return set(revisions.entries_by_key(revision))
    return set(changed_between(before, revision))


def _same_summary(before: Revision, after: Revision, key: str) -> bool:
    old, new = revisions.entries_by_key(before).get(key) or {}, revisions.entries_by_key(after).get(key) or {}
    return (old.get("summary") or "") == (new.get("summary") or "")


def carry_forward(report: Report, revision: Revision, actor: User) -> int:
    """Copy the previous revision's reviews onto a new one; a changed entry loses only its verdict."""
    before = previous_revision(revision)
    if before is None:
        return 0
    changed = diff.changed_keys(revisions.entries_by_key(before), revisions.entries_by_key(revision))
    entries = {e.key: e for e in report.entries}
    copied = 0
    for key, old in reviews_for(before).items():
        if key not in entries or key not in revisions.entries_by_key(revision):
            continue
        db.session.add(EntryReview(
            report_id=report.id, revision_id=revision.id, entry_id=entries[key].id, entry_key=key,
            verdict=None if key in changed else old.verdict, assessment=old.assessment, note=old.note,
            # The reviewer's key progress stands while the party's summary it replaces is unchanged.
            report_summary=old.report_summary if _same_summary(before, revision, key) else "",
            reviewer_id=old.reviewer_id, updated_at=old.updated_at))
        copied += 1
    db.session.flush()
    return copied


def _require_review(report: Report, user: Any) -> Revision:
    if Permission.REVIEW not in policy.report_permissions(user, report):
        raise ReviewError(gettext("Only a submitted report can be reviewed, by a Commission reviewer."))
    latest = revisions.latest_revision(report)
    if latest is None:
        raise ReviewError(gettext("The report has no submitted revision."))
    return latest


def save_entry_review(report: Report, entry: Entry, user: User, *, verdict: Verdict | None,
                      assessment: Assessment | None, note: str,
                      expected_revision_id: int | None = None, report_summary: str | None = None) -> EntryReview:
    """Record the reviewer's verdict, assessment and note on the entry, for the current revision."""
    from ctportal.services import audit

    latest = _require_review(report, user)
    if expected_revision_id is not None and expected_revision_id != latest.id:
        raise ReviewError(gettext("The report was resubmitted since you opened this page. Reload it and review again."))
    if entry.report_id != report.id or entry.key not in revisions.entries_by_key(latest):
        raise ReviewError(gettext("That entry is not part of the submitted revision."))
    review = reviews_for(latest).get(entry.key)
    if review is None:
        review = EntryReview(report_id=report.id, revision_id=latest.id, entry_id=entry.id, entry_key=entry.key,
                             reviewer_id=user.id)
        db.session.add(review)
    before = (review.verdict, review.assessment)
    review.verdict, review.assessment, review.note = verdict, assessment, (note or "").strip()
    if report_summary is not None:  # None: left as it was (callers that do not edit it)
        review.report_summary = _checked_summary(report_summary)
    review.reviewer_id, review.updated_at = user.id, utcnow()
    db.session.flush()
    audit.record("entry.reviewed", report, actor=user, entry=entry.key, revision=latest.number,
                 verdict=verdict.value if verdict else None,
                 assessment=assessment.value if assessment else None,
                 previous_verdict=before[0].value if before[0] else None)
    return review


def _checked_summary(text: str) -> str:
    """The reviewer's key progress: plain text, whole, within the party's summary limit."""
    text = " ".join((text or "").split())
    error = check_text(entry_fields.SUMMARY.name, text)
    if error:
        raise ReviewError(gettext("%(field)s: %(error)s", field=gettext("Key progress in the consolidated report"),
                                  error=error), field="report_summary")
    return text


def remaining_keys(report: Report) -> list[str]:
    """Entries of the current revision without a verdict yet, in the report's order."""
    latest = revisions.latest_revision(report)
    return remaining_in(latest, reviews_for(latest)) if latest is not None else []


def remaining_in(latest: Revision, reviews: dict[str, EntryReview]) -> list[str]:
    """remaining_keys for a page that has the latest revision and its reviews already."""
    return [e["key"] for e in latest.snapshot["entries"]
            if reviews.get(e["key"]) is None or reviews[e["key"]].verdict is None]


def accept_remaining(report: Report, user: User, keys: list[str], *, expected_revision_id: int) -> list[str]:
    """Accept exactly the previewed entries that are still without a verdict; returns those accepted."""
    from ctportal.services import audit

    latest = _require_review(report, user)
    if expected_revision_id != latest.id:
        raise ReviewError(gettext("The report was resubmitted since the preview. Look at the new preview."))
    remaining = set(remaining_keys(report))
    if set(keys) != remaining:
        raise ReviewError(gettext("Verdicts changed since the preview. Look at the new preview and confirm again."))
    entries = {e.key: e for e in report.entries}
    reviews = reviews_for(latest)
    accepted = []
    for key in [k for k in revisions.entries_by_key(latest) if k in remaining]:
        review = reviews.get(key)
        if review is None:
            review = EntryReview(report_id=report.id, revision_id=latest.id, entry_id=entries[key].id,
                                 entry_key=key, reviewer_id=user.id)
            db.session.add(review)
        review.verdict, review.reviewer_id, review.updated_at = Verdict.accepted, user.id, utcnow()
        accepted.append(key)
    db.session.flush()
    audit.record("entry.accepted_all", report, actor=user, revision=latest.number, entries=accepted)
    return accepted


def needing_revision(report: Report) -> list[EntryReview]:
    """Entries marked "needs revision" on the latest revision, in the report's order."""
    latest = revisions.latest_revision(report)
    return needing_in(latest, reviews_for(latest)) if latest is not None else []


def needing_in(latest: Revision, reviews: dict[str, EntryReview]) -> list[EntryReview]:
    """needing_revision for a page that has the latest revision and its reviews already."""
    order = {e["key"]: i for i, e in enumerate(latest.snapshot["entries"])}
    rows = [r for r in reviews.values() if r.verdict == Verdict.needs_revision]
    return sorted(rows, key=lambda r: order.get(r.entry_key, 0))


@dataclass
class EditedSummary:
    key: str
    code: str
    own: str        # what the party wrote
    printed: str    # what the consolidated report prints instead


def edited_summaries(report: Report) -> list[EditedSummary]:
    """The key progress the reviewer rewrote for the consolidated report, on the latest revision:
    not internal — the party's feedback page shows it beside its own summary."""
    latest = revisions.latest_revision(report)
    if latest is None:
        return []
    entries = revisions.entries_by_key(latest)
    reviews = reviews_for(latest)
    return [EditedSummary(key, e["action_code"], e.get("summary") or "", reviews[key].report_summary)
            for key, e in entries.items() if key in reviews and reviews[key].report_summary]
