"""Reporting rounds: effective deadlines per party."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import gettext, get_locale
from sqlalchemy import orm as so

from ctportal.domain.formatting import long_date
from ctportal.domain.errors import DomainError
from ctportal.models import DeadlineExtension, Round, db
from ctportal.services.reporting import follow_ups

if TYPE_CHECKING:
    from ctportal.models import Report, User


def deadline_for(rnd: Round, party_id: int) -> dt.date:
    """The submission deadline for one party: the round's, or the latest extension granted to it."""
    extended = db.session.scalar(
        sa.select(DeadlineExtension.new_deadline)
        .where(DeadlineExtension.round_id == rnd.id, DeadlineExtension.party_id == party_id)
        .order_by(DeadlineExtension.granted_at.desc(), DeadlineExtension.id.desc()).limit(1))
    return extended or rnd.submission_deadline


def deadlines_for(rnd: Round) -> dict[int, dt.date]:
    """The latest extension granted to each party that has one, in one query (as deadline_for, for all parties)."""
    deadlines: dict[int, dt.date] = {}
    for party_id, new_deadline in db.session.execute(
            sa.select(DeadlineExtension.party_id, DeadlineExtension.new_deadline)
            .where(DeadlineExtension.round_id == rnd.id)
            .order_by(DeadlineExtension.granted_at.desc(), DeadlineExtension.id.desc())):
        deadlines.setdefault(party_id, new_deadline)
    return deadlines


def open_round(rnd: Round, actor: User) -> list[Report]:
    """Open a round: parties can now see it, and every party gets its report."""
    from ctportal.models import RoundState, utcnow
    from ctportal.services import audit
    from ctportal.services.reporting.reports import ensure_reports

    if rnd.state != RoundState.draft:
        raise RoundError(gettext("The round is %(state)s; only a round in preparation can be opened.",
                                 state=rnd.state.title.lower()))
    rnd.state = RoundState.open
    rnd.opened_at = utcnow()
    reports = ensure_reports(rnd)
    audit.record("round.opened", rnd, actor=actor)
    return reports


# --- the secretariat's desk: preparing, changing, closing rounds and granting extensions ------------

ROUND_FIELDS = ("title", "period_start", "period_end", "submission_deadline", "review_deadline",
                "meeting_name", "meeting_place", "meeting_date", "document_number", "cover_from", "subject_codes")


class RoundError(DomainError, ValueError):
    """An operation the round's state does not allow; the message says why, for the user."""


def create_round(actor: User, *, plan_version_id: int, **values: Any) -> Round:
    """A new round in preparation (draft): parties do not see it until it is opened."""
    from ctportal.services import audit

    rnd = Round(plan_version_id=plan_version_id, **{k: values[k] for k in ROUND_FIELDS if k in values})
    db.session.add(rnd)
    db.session.flush()
    audit.record("round.created", rnd, actor=actor, title=rnd.title)
    return rnd


def update_round(rnd: Round, actor: User, *, plan_version_id: int | None = None, **values: Any) -> list[str]:
    """Change a round's details; returns the names of the fields that changed.

    A closed round is read-only. Once a round is open its reports exist on its plan version,
    so the version can no longer change.
    """
    from ctportal.models import RoundState
    from ctportal.services import audit

    if rnd.state == RoundState.closed:
        raise RoundError(gettext("The round is closed; a closed round cannot be changed."))
    changed: dict[str, list[Any]] = {}
    if plan_version_id is not None and plan_version_id != rnd.plan_version_id:
        if rnd.state != RoundState.draft:
            raise RoundError(gettext("The plan version of an open round cannot change: its reports are built on it."),
                             field="plan_version_id")
        changed["plan_version_id"] = [rnd.plan_version_id, plan_version_id]
        rnd.plan_version_id = plan_version_id
    for name in ROUND_FIELDS:
        if name in values and values[name] != getattr(rnd, name):
            changed[name] = [_plain(getattr(rnd, name)), _plain(values[name])]
            setattr(rnd, name, values[name])
    if changed:
        db.session.flush()
        audit.record("round.updated", rnd, actor=actor, changes=changed)
    return list(changed)


def close_round(rnd: Round, actor: User) -> None:
    """Close an open round: from now on it is read-only for everyone."""
    from ctportal.models import RoundState, utcnow
    from ctportal.services import audit

    if rnd.state != RoundState.open:
        raise RoundError(gettext("The round is %(state)s; only an open round can be closed.",
                                 state=rnd.state.title.lower()))
    rnd.state = RoundState.closed
    rnd.closed_at = utcnow()
    db.session.flush()
    audit.record("round.closed", rnd, actor=actor)
    # An edition done before the close is final from now on: its recommendations are followed up.
    follow_ups.add_after_final(rnd)


def extend_deadline(rnd: Round, party_id: int, new_deadline: dt.date, reason: str, actor: User) -> DeadlineExtension:
    """Give one party a later submission deadline, with the reason why."""
    from ctportal.models import RoundState
    from ctportal.services import audit

    if rnd.state == RoundState.closed:
        raise RoundError(gettext("The round is closed; its deadlines cannot change."))
    reason = (reason or "").strip()
    if not reason:
        raise RoundError(gettext("Give the reason for the extension."), field="reason")
    current = deadline_for(rnd, party_id)
    if new_deadline <= current:
        locale = get_locale()  # the reader's date format; English (and none) as before
        raise RoundError(gettext("The new deadline must be later than the current one (%(date)s).",
                                 date=long_date(current, str(locale) if locale else None)), field="new_deadline")
    extension = DeadlineExtension(round_id=rnd.id, party_id=party_id, new_deadline=new_deadline,
                                  reason=reason, granted_by_id=actor.id)
    db.session.add(extension)
    db.session.flush()
    audit.record("round.deadline_extended", rnd, actor=actor, party_id=party_id,
                 previous=current.isoformat(), new=new_deadline.isoformat(), reason=reason)
    return extension


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# --- who is late: the round status board --------------------------------------------------------------

def status_board(rnd: Round, today: dt.date | None = None) -> list[dict[str, Any]]:
    """One line per party: report state, last activity, deadline and days left, answers, open comments."""
    from ctportal.models import Comment, Entry, Party, Report, ReportState, Revision
    from ctportal.services.reporting.progress import progress_counts

    today = today or dt.date.today()
    reports = list(db.session.scalars(
        sa.select(Report).join(Party).where(Report.round_id == rnd.id).order_by(Party.sort_order)
        .options(so.selectinload(Report.party))))
    ids = [r.id for r in reports]
    extended = deadlines_for(rnd)
    counts = progress_counts(ids)
    last_entry = dict(db.session.execute(
        sa.select(Entry.report_id, sa.func.max(Entry.updated_at)).where(Entry.report_id.in_(ids))
        .group_by(Entry.report_id)).all()) if ids else {}
    last_revision = dict(db.session.execute(
        sa.select(Revision.report_id, sa.func.max(Revision.created_at)).where(Revision.report_id.in_(ids))
        .group_by(Revision.report_id)).all()) if ids else {}
    open_comments = dict(db.session.execute(
        sa.select(Comment.report_id, sa.func.count(Comment.id))
        .where(Comment.report_id.in_(ids), Comment.resolved_at.is_(None), Comment.is_system.is_(False))
        .group_by(Comment.report_id)).all()) if ids else {}
    lines = []
    for report in reports:
        deadline = extended.get(report.party_id, rnd.submission_deadline)
        activity = [t for t in (report.updated_at, report.submitted_at, last_entry.get(report.id),
                                last_revision.get(report.id)) if t is not None]
        answered, total = counts.get(report.id, (0, 0))
        handed_in = report.state in (ReportState.submitted, ReportState.approved)
        days = (deadline - today).days
        lines.append({
            "report": report,
            "party": report.party,
            "state": report.state,
            "last_activity": max(activity) if activity else None,
            "deadline": deadline,
            "extended": deadline != rnd.submission_deadline,
            "days_left": days,
            "late": not handed_in and days < 0,
            "answered": answered,
            "total": total,
            "open_comments": open_comments.get(report.id, 0),
        })
    return lines
