"""Reporting rounds: effective deadlines per party."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ctportal.models import DeadlineExtension, Round, db


def deadline_for(rnd: Round, party_id: int) -> dt.date:
    """The submission deadline for one party: the round's, or the latest extension granted to it."""
    extended = db.session.scalar(
        sa.select(DeadlineExtension.new_deadline)
        .where(DeadlineExtension.round_id == rnd.id, DeadlineExtension.party_id == party_id)
        .order_by(DeadlineExtension.granted_at.desc(), DeadlineExtension.id.desc()).limit(1))
    return extended or rnd.submission_deadline


def open_round(rnd: Round, actor) -> list:
    """Open a round: parties can now see it, and every party gets its report."""
    from ctportal.models import RoundState, utcnow
    from ctportal.services import audit
    from ctportal.services.reports import ensure_reports

    if rnd.state != RoundState.draft:
        raise ValueError(f"The round is {rnd.state.title.lower()}; only a round in preparation can be opened.")
    rnd.state = RoundState.open
    rnd.opened_at = utcnow()
    reports = ensure_reports(rnd)
    audit.record("round.opened", rnd, actor=actor)
    return reports
