"""The previous round: what every "since the previous round" compares against, and what a new draft starts from.

One rule for the review page, the PDF summary, the progress map and copy-forward: the previous
round of a round is the latest other round out of preparation whose reporting period ended
before this one's (rounds whose periods end on the same day count in the order they were
created). A party's previous report is its report in that round; what is compared or copied is
that report's approved revision. When the party's report there was not approved, there is
nothing to compare with: no screen reaches back to an older round, so no two of them can speak
of different years, and nothing is ever taken from a later round.
"""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.models import Report, Revision, Round, RoundState, db


def _before(rnd: Round) -> sa.ColumnElement[bool]:
    return sa.or_(Round.period_end < rnd.period_end,
                  sa.and_(Round.period_end == rnd.period_end, Round.id < rnd.id))


def previous_round(rnd: Round) -> Round | None:
    """The round before `rnd`, or None for the first."""
    return db.session.scalar(
        sa.select(Round).where(Round.id != rnd.id, Round.state != RoundState.draft, _before(rnd))
        .order_by(Round.period_end.desc(), Round.id.desc()).limit(1))


def chronological(rounds: list[Round]) -> list[Round]:
    """Oldest first, in the order `previous_round` steps back through them."""
    return sorted(rounds, key=lambda r: (r.period_end, r.id))


def approved_revisions(rnd: Round | None) -> dict[int, Revision]:
    """Party id -> the approved revision of its report in `rnd` (parties not approved there left out)."""
    if rnd is None:
        return {}
    reports = db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id,
                                                         Report.approved_revision_id.is_not(None)))
    return {r.party_id: r.approved_revision for r in reports if r.approved_revision is not None}


def previous_round_revision(report: Report) -> Revision | None:
    """The party's approved revision of the previous round: what this report is compared with and copied from."""
    before = previous_round(report.round)
    if before is None:
        return None
    return db.session.scalar(
        sa.select(Revision).join(Report, Report.approved_revision_id == Revision.id)
        .where(Report.round_id == before.id, Report.party_id == report.party_id))
