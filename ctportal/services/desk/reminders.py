"""Deadline reminders, meant to run once a day (`flask send-reminders`).

Parties whose report is not submitted hear 14, 7 and 1 days before their deadline (their own,
extended one if granted) and once it has passed; reviewers hear about a report that still waits
for review after the round's review deadline. Each reminder goes out once: ReminderSent records
it under a key that includes the deadline (an extension earns new reminders) — and for review
reminders the revision (a resubmission earns a new one).

A run that was missed catches up with the nearest threshold only: a report 5 days from its
deadline gets the 7-day reminder, not the 14-day one as well.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from flask_babel import gettext, lazy_gettext, lazy_ngettext

from ctportal.models import ReminderSent, Report, ReportState, Round, RoundState, User, db
from ctportal.services import audit
from ctportal.services.messaging import notify
from ctportal.services.reporting import revisions
from ctportal.services.reporting.progress import progress_counts
from ctportal.services.desk.rounds import RoundError, deadline_for

THRESHOLDS = (14, 7, 1)
NOT_SUBMITTED = (ReportState.draft, ReportState.changes_requested)


@dataclass
class RunResult:
    sent: list[tuple[int, str]] = field(default_factory=list)   # (report id, kind)
    skipped: int = 0


def due_kind(days_left: int) -> str | None:
    """Which submission reminder is due with this many days left, or None."""
    if days_left < 0:
        return "overdue"
    for threshold in reversed(THRESHOLDS):  # 1, 7, 14: the nearest threshold reached
        if days_left <= threshold:
            return f"due-{threshold}"
    return None


def _claim(report: Report, kind: str) -> bool:
    """Record the reminder; False if it was already sent (by this or a concurrent run)."""
    if db.session.scalar(sa.select(ReminderSent.id).where(ReminderSent.report_id == report.id,
                                                          ReminderSent.kind == kind)):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(report_id=report.id, kind=kind))
    except IntegrityError:
        return False
    return True


def send_reminders(today: dt.date | None = None) -> RunResult:
    """Send every reminder due today that has not gone out yet. Flushes; the caller commits."""
    today = today or dt.date.today()
    result = RunResult()
    reports = list(db.session.scalars(
        sa.select(Report).join(Round).where(Round.state == RoundState.open).order_by(Report.id)))
    counts = progress_counts([r.id for r in reports])
    for report in reports:
        if report.state in NOT_SUBMITTED:
            deadline = deadline_for(report.round, report.party_id)
            days = (deadline - today).days
            kind = due_kind(days)
            if kind is None:
                continue
            key = f"{kind}:{deadline.isoformat()}"
            if not _claim(report, key):
                result.skipped += 1
                continue
            _remind_party(report, deadline, days, counts.get(report.id))
            result.sent.append((report.id, key))
        elif report.state == ReportState.submitted and today > report.round.review_deadline:
            latest = revisions.latest_revision(report)
            key = f"review-overdue:{report.round.review_deadline.isoformat()}:r{latest.number if latest else 0}"
            if not _claim(report, key):
                result.skipped += 1
                continue
            notify.send(notify.reviewers_for(report), "review_reminder",
                        lazy_gettext("Review overdue: %(label)s", label=notify.report_label(report)),
                        "review_reminder_review.txt",
                        link=notify.path_for("review.report", report_id=report.id), report=report,
                        deadline=report.round.review_deadline, label=notify.report_label(report))
            result.sent.append((report.id, key))
    return result


def remind_now(report: Report, actor: User, today: dt.date | None = None) -> int:
    """The status board's reminder: the same mail and notification as the daily one, sent on request
    (and not recorded as a daily threshold, so the daily reminders still go out). Returns the number
    of reporters reminded. Flushes; the caller commits."""
    if report.state not in NOT_SUBMITTED:
        raise RoundError(gettext("This report has been submitted; there is nothing to remind its party of."))
    if report.round.state != RoundState.open:
        raise RoundError(gettext("Reminders are only sent while the round is open."))
    deadline = deadline_for(report.round, report.party_id)
    days = (deadline - (today or dt.date.today())).days
    reminded = _remind_party(report, deadline, days, progress_counts([report.id]).get(report.id))
    audit.record("report.reminder_sent", report, actor=actor, recipients=len(reminded))
    return len(reminded)


def _remind_party(report: Report, deadline: dt.date, days: int, progress: tuple[int, int] | None) -> list[User]:
    label = notify.report_label(report)
    # Lazy: each recipient's mail makes the subject in that recipient's language.
    subject = (lazy_gettext("Overdue: %(label)s", label=label) if days < 0
               else lazy_gettext("Reminder: %(label)s is due today", label=label) if days == 0
               else lazy_ngettext("Reminder: %(label)s is due in %(num)d day",
                                  "Reminder: %(label)s is due in %(num)d days", days, label=label))
    return notify.send(notify.party_users(report), "reminder", subject, "review_reminder_due.txt",
                       link=_report_link(report), days=days, deadline=deadline, label=label, progress=progress)


def _report_link(report: Report) -> str:
    return notify.path_for("reports.overview", report_id=report.id)
