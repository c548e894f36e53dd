"""The coordinator's sign-off of an entry, inside the partner (issue 18): ready → accepted, or sent back.

    open / returned ──mark ready──▶ ready ──accept──▶ accepted
                                      └──send back (note)──▶ returned
    accepted ──any save of the entry──▶ open

The one table of steps and the one function that applies them; who may take a step is
the partner policy's. What the coordinator accepts is a version of the entry: an accept made from a page
older than the last save is refused (the coordinator would sign off text they have not read), and
a save after the acceptance makes the entry not accepted again. Nothing here reaches the
Commission: the state and the notes live in tables no revision, review page, export or PDF reads.
Services flush; the view commits.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask_babel import gettext as _

from ctportal.domain.errors import DomainError
from ctportal.models import Entry, EntryWork, PartnerNote, Report, SignOff, User, db, utcnow
from ctportal.services import audit

NOTE_LIMIT = 5_000
_NOTE_LIMIT_TEXT = f"{NOTE_LIMIT:,}"

# (state now, step) -> state after. A missing row is a step that cannot be taken from that state.
STEPS: dict[tuple[SignOff, str], SignOff] = {
    (SignOff.open, "ready"): SignOff.ready,
    (SignOff.returned, "ready"): SignOff.ready,
    (SignOff.ready, "accept"): SignOff.accepted,
    (SignOff.ready, "send_back"): SignOff.returned,
}


class SignOffRefused(DomainError):
    status = 409


def work_of(entry: Entry) -> EntryWork | None:
    return db.session.scalar(sa.select(EntryWork).where(EntryWork.entry_id == entry.id))


def work_for(entry: Entry) -> EntryWork:
    """The entry's work row, made (open, unassigned) if it has none yet."""
    work = work_of(entry)
    if work is None:
        work = EntryWork(entry_id=entry.id, report_id=entry.report_id, state=SignOff.open)
        db.session.add(work)
        db.session.flush()
    return work


def works_of(report: Report) -> dict[int, EntryWork]:
    """Entry id -> its work row, for every entry of the report that has one (one query)."""
    return {w.entry_id: w for w in db.session.scalars(
        sa.select(EntryWork).where(EntryWork.report_id == report.id)
        .options(selectinload(EntryWork.assignee), selectinload(EntryWork.institution)))}


def state_of(work: EntryWork | None) -> SignOff:
    return work.state if work is not None else SignOff.open


def take_step(entry: Entry, step: str, user: User, *, version: int | None = None, note: str = "") -> EntryWork:
    """Apply one step of STEPS to the entry; SignOffRefused when it cannot be taken now."""
    work = work_for(entry)
    after = STEPS.get((work.state, step))
    if after is None:
        raise SignOffRefused(_("This step cannot be taken now: the entry is “%(state)s”.", state=work.state.title))
    if step in ("accept", "send_back") and version is not None and version != entry.version:
        raise SignOffRefused(_("The entry was saved again after you opened the page. Read it again, then decide."))
    note = (note or "").strip()
    if step == "send_back" and not note:
        raise SignOffRefused(_("Comment: say what to change before sending the entry back."), field="note")
    if len(note) > NOTE_LIMIT:
        raise SignOffRefused(_("Comment: at most %(limit)s characters are accepted.", limit=_NOTE_LIMIT_TEXT),
                             field="note")
    work.state = after
    work.accepted_version = entry.version if after == SignOff.accepted else None
    work.state_by_id, work.state_at = user.id, utcnow()
    db.session.add(PartnerNote(entry_id=entry.id, author_id=user.id, step=after, body=note))
    db.session.flush()
    # The trail records the step, never the note's words (the audit trail is read by the secretariat).
    audit.record(f"entry.{step}", entry, actor=user, party_id=entry.report.party_id, report_id=entry.report_id,
                 key=entry.key)
    return work


def after_edit(entry: Entry, user: User) -> None:
    """A save of the entry: an accepted entry is no longer accepted (the coordinator accepted another text)."""
    work = work_of(entry)
    if work is None or work.state != SignOff.accepted:
        return
    work.state, work.accepted_version = SignOff.open, None
    work.state_by_id, work.state_at = user.id, utcnow()
    db.session.add(PartnerNote(entry_id=entry.id, author_id=user.id, step=SignOff.open, body=""))
    db.session.flush()


def notes_of(entry: Entry) -> list[PartnerNote]:
    return list(db.session.scalars(sa.select(PartnerNote).where(PartnerNote.entry_id == entry.id)
                                   .options(selectinload(PartnerNote.author))
                                   .order_by(PartnerNote.created_at, PartnerNote.id)))


@dataclass(frozen=True)
class NotAccepted:
    entry: Entry
    state: SignOff


def not_accepted(report: Report) -> list[NotAccepted]:
    """The report's entries the coordinator has not accepted, in the report's order (the submit page lists them)."""
    works = works_of(report)
    return [NotAccepted(e, state_of(works.get(e.id))) for e in report.entries
            if state_of(works.get(e.id)) != SignOff.accepted]
