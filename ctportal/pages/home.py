"""What each user finds on their home page: their own work."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ctportal import policy
from ctportal.models import Party, Report, ReportState, Role, Round, RoundState, User, db
from ctportal.services.reporting.progress import progress_counts, report_progress
from ctportal.pages.reports import entry_label, to_revise
from ctportal.services.desk.rounds import deadline_for


@dataclass
class Work:
    reports: list[dict[str, Any]] = field(default_factory=list)
    rounds: Sequence[Round] = field(default_factory=list)
    state_counts: dict[str, int] = field(default_factory=dict)
    user_count: int = 0


def work_for(user: User) -> Work:
    work = Work()
    if user.role.is_party_role:
        reports = db.session.scalars(
            sa.select(Report).join(Round).where(policy.visible_reports_clause(user))
            .order_by(Round.submission_deadline.desc())).all()
        for report in reports:
            work.reports.append({
                "report": report,
                # A closed round is history: its date, not a deadline "passed 462 days ago".
                "closed_on": report.round.closed_at if report.round.state == RoundState.closed else None,
                "deadline": deadline_for(report.round, report.party_id),
                "progress": report_progress(report),
                # The actions the Commission sent back, so the party starts from them (issue 13.7).
                "to_revise": [(entry_label(item.entry), item.entry.id) for item in to_revise(report, user)],
            })
    elif policy.is_commission(user):
        work.rounds = db.session.scalars(
            sa.select(Round).where(Round.state == RoundState.open).order_by(Round.submission_deadline)).all()
        reports = db.session.scalars(
            sa.select(Report).join(Round).join(Party)
            .where(Round.state == RoundState.open).order_by(Round.id, Party.sort_order)).all()
        counts = progress_counts([r.id for r in reports])
        for report in reports:
            work.reports.append({
                "report": report,
                "deadline": deadline_for(report.round, report.party_id),
                "counts": counts.get(report.id, (0, 0)),
                "can_open": policy.can(user, policy.Permission.VIEW, report),
            })
        for state in ReportState:
            work.state_counts[state.value] = sum(1 for r in reports if r.state == state)
    elif user.role == Role.admin:
        work.user_count = db.session.scalar(sa.select(sa.func.count(User.id))) or 0
    return work
