"""The consolidated report's annex of follow-up processes (issue 15, item 5): each dialogue or visit,
peer-review mission, Regional Network and WBCTi meeting recorded for the round, with its date, place,
the parties concerned, the outcome summary, the actions and the recommendations it followed up.

Never the participants or the Commission's internal notes (they are not read here). A party's part of
a draft edition (`party` given) holds only the records concerning it, with only its own
recommendations and no other party's name. Only recommendations of approved texts are printed."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ctportal.domain import parties
from ctportal.domain.formatting import long_date
from ctportal.infra import markdown
from ctportal.models import CommissionText, Party, ProcessRecord, TextState, db

TITLE = "Follow-up processes"


def _dates(process: ProcessRecord) -> str:
    """"5 March 2025", "18–20 November 2024", "30 June – 2 July 2025", "30 December 2024 – 2 January 2025"."""
    first, last = process.held_on, process.ends_on
    if last is None or last == first:
        return long_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{long_date(last)}"
    if first.year == last.year:
        return f"{long_date(first).rsplit(' ', 1)[0]} – {long_date(last)}"
    return f"{long_date(first)} – {long_date(last)}"


def processes_context(records: list[ProcessRecord], label: str, round_id: int,
                      party: Party | None = None) -> dict[str, Any] | None:
    """The annex's context; None when there is nothing to print."""
    if party is not None:
        records = [p for p in records if any(q.id == party.id for q in p.parties)]
    if not records:
        return None
    ids = {tid for p in records for tid, _ in p.recommendations}
    texts = {t.id: t for t in db.session.scalars(sa.select(CommissionText).where(
        CommissionText.id.in_(ids), CommissionText.state == TextState.approved))} if ids else {}
    tracker = parties.FootnoteTracker()
    rows = []
    for p in records:
        recs = []
        for tid, number in p.recommendations:
            text = texts.get(tid)
            rec = next((r for r in text.recommendations if r.number == number), None) if text else None
            if text is None or rec is None or text.party is None:
                continue
            if party is not None and text.party_id != party.id:
                continue
            recs.append({"party": tracker.mention(text.party), "number": number,
                         "round": "" if text.round_id == round_id else text.round.title})
        rows.append({"kind": p.kind.english, "title": p.title, "dates": _dates(p), "place": p.place,
                     "parties": [] if party is not None else [tracker.mention(q) for q in p.parties],
                     "actions": list(p.action_codes), "recommendations": recs,
                     "html": str(markdown.render(p.summary)) if p.summary else ""})
    own = tracker.mention(party) if party is not None else ""
    return {"title": TITLE, "label": label, "processes": rows, "party": own, "footnotes": tracker.footnotes}
