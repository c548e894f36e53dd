"""Building rounds and reports in known states, through the same services the portal uses."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ctportal.models import EntryStatus, Party, PlanVersion, Report, Round, RoundState, db
from ctportal.services.review.workflow import Step, apply_transition, confirmation_token


def make_round(title: str = "Progress report 2026", *, state: RoundState = RoundState.open,
               deadline_in_days: int = 30, document_number: str = "ST 1/26") -> Round:
    version = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.code == "jap-2018"))
    today = dt.date.today()
    rnd = Round(title=title, plan_version_id=version.id, period_start=dt.date(2025, 7, 1),
                period_end=dt.date(2026, 6, 30),
                submission_deadline=today + dt.timedelta(days=deadline_in_days),
                review_deadline=today + dt.timedelta(days=deadline_in_days + 30),
                meeting_name="EU-Western Balkans JHA Ministerial Forum", meeting_place="Tirana",
                meeting_date=today + dt.timedelta(days=deadline_in_days + 60),
                document_number=document_number, state=RoundState.draft)
    db.session.add(rnd)
    db.session.flush()
    if state != RoundState.draft:
        from ctportal.services.reporting.reports import ensure_reports
        ensure_reports(rnd)
        rnd.state = state
    db.session.commit()
    return rnd


def report_of(rnd: Round, code: str) -> Report:
    return db.session.scalar(sa.select(Report).join(Party).where(Report.round_id == rnd.id, Party.code == code))


def fill_report(report: Report, narrative: str = "Progress was made: {key}.", *, limit: int | None = None,
                status: EntryStatus = EntryStatus.in_progress) -> Report:
    """Answer every entry (or the first `limit`) so the report is complete."""
    for entry in report.entries[:limit]:
        entry.status = status
        entry.narrative = narrative.format(key=entry.key, party=report.party.name)
    db.session.commit()
    return report


def submit(report: Report, user, note: str = "") -> Report:
    """Submit as the confirmation page does: with the token of the summary it states (issue 13.8)."""
    apply_transition(report, Step.submit, user, confirmed=confirmation_token(report, Step.submit, user), note=note)
    db.session.commit()
    return report


def approve(report: Report, user) -> Report:
    """Approve as the confirmation page does: with the token of the summary it states (issue 13.5)."""
    apply_transition(report, Step.approve, user, confirmed=confirmation_token(report, Step.approve, user))
    db.session.commit()
    return report


def request_changes(report: Report, user, reason: str = "Please complete objective 1.") -> Report:
    apply_transition(report, Step.request_changes, user, reason=reason)
    db.session.commit()
    return report
