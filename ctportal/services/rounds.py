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
