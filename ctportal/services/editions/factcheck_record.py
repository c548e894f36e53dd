"""The fact-check a final edition records (issue 15, item 4): the round's latest finished draft edition
whose period the secretariat opened, the corrections the parties sent on it and who answered them —
printed on the final edition's cover and shown on the editions page."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ctportal.domain import parties
from ctportal.domain.formatting import long_date
from ctportal.models import CompiledReport, CompileState, FactcheckCorrection, Party, Round, User, db


def factcheck_record(rnd: Round) -> dict[str, Any] | None:
    """The fact-check a final edition of the round follows: the latest finished draft edition whose
    period the secretariat opened, the corrections the parties sent on it and who answered them.
    None when the round had none (the cover then says nothing of a fact-check)."""
    draft = db.session.scalar(sa.select(CompiledReport).where(
        CompiledReport.round_id == rnd.id, CompiledReport.draft.is_(True), CompiledReport.state == CompileState.done,
        CompiledReport.factcheck_ends_on.is_not(None)).order_by(CompiledReport.id.desc()).limit(1))
    return None if draft is None else factcheck_of(draft)


def factcheck_of(draft: CompiledReport) -> dict[str, Any]:
    """A draft edition's fact-check as a final edition records it: when, until when, how many
    corrections from which parties, how many answered (and accepted), and by whom."""
    rows = list(db.session.scalars(sa.select(FactcheckCorrection).where(FactcheckCorrection.edition_id == draft.id)))
    resolver_ids = sorted({r.resolved_by_id for r in rows if r.resolved_by_id})
    names = [u.name for u in db.session.scalars(sa.select(User).where(User.id.in_(resolver_ids)).order_by(User.name))] \
        if resolver_ids else []
    senders = sorted({r.party_id for r in rows})
    party_names = [parties.display_name(p) for p in db.session.scalars(
        sa.select(Party).where(Party.id.in_(senders)).order_by(Party.sort_order, Party.id))] if senders else []
    made = (draft.finished_at or draft.requested_at).date()
    return {"draft_id": draft.id, "draft_date": long_date(made), "ends_on": long_date(draft.factcheck_ends_on),
            "made_on": made, "until": draft.factcheck_ends_on, "corrections": len(rows),
            "answered": sum(1 for r in rows if r.outcome), "accepted": sum(1 for r in rows if r.outcome == "accepted"),
            "resolved_by": names, "parties": party_names}


def factcheck_line(record: dict[str, Any] | None) -> str:
    """The sentence a final edition prints (cover) and its page shows: "Fact-check: draft edition of …"."""
    if record is None:
        return ""
    n = record["corrections"]
    if n == 0:
        return (f"Fact-check: draft edition of {record['draft_date']}, read by the parties until {record['ends_on']}; "
                "no correction was sent.")
    sent = f"{n} correction{'s' if n != 1 else ''} sent by {', '.join(record['parties'])}"
    answered = ("all answered" if record["answered"] == n else f"{record['answered']} of {n} answered")
    who = f" by {', '.join(record['resolved_by'])}" if record["resolved_by"] else ""
    return (f"Fact-check: draft edition of {record['draft_date']}, read by the parties until {record['ends_on']}; "
            f"{sent}, {answered}{who} ({record['accepted']} accepted).")
