"""Who drafts each entry of a partner's report, and by when; the coordinator's board; "assigned to me".

The due date falls before the party's submission deadline (the round's, or the extension granted to
the party): the coordinator needs the days between to read and accept what comes back.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ctportal.domain.errors import DomainError
from ctportal.domain.formatting import long_date
from ctportal.models import Entry, EntryWork, Institution, Report, Role, SignOff, User, db
from ctportal.services import audit
from ctportal.services.desk.rounds import deadline_for
from ctportal.services.partner import notices
from ctportal.services.reporting import signoff

# Who may be given an entry to draft: the party's own reporting accounts.
ASSIGNABLE_ROLES = (Role.contributor, Role.coordinator)


class AssignmentRefused(DomainError):
    status = 422


def assignable_users(party_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.party_id == party_id, User.role.in_(ASSIGNABLE_ROLES), User.active.is_(True)).order_by(User.name)))


def assign(entry: Entry, by: User, *, assignee_id: int | None, institution_id: int | None,
           due_on: dt.date | None, today: dt.date | None = None) -> EntryWork:
    """Set (or clear) the entry's contributor, institution and due date; AssignmentRefused names the field."""
    report = entry.report
    work = signoff.work_for(entry)
    assignee = None
    if assignee_id:
        assignee = db.session.get(User, assignee_id)
        if (assignee is None or assignee.party_id != report.party_id or assignee.role not in ASSIGNABLE_ROLES
                or not assignee.active):
            raise AssignmentRefused(_("Contributor: choose one of the listed contributors of your party."),
                                    field="assignee_id")
    institution = None
    if institution_id:
        institution = db.session.get(Institution, institution_id)
        if (institution is None or institution.party_id != report.party_id
                or (not institution.active and institution.id != work.institution_id)):
            raise AssignmentRefused(_("Institution: choose one of the listed institutions of your party."),
                                    field="institution_id")
    if due_on is not None:
        deadline = deadline_for(report.round, report.party_id)
        if due_on >= deadline:
            raise AssignmentRefused(_("Due date: it must be before the submission deadline, %(deadline)s "
                                      "(you entered %(date)s).", deadline=long_date(deadline),
                                      date=due_on.isoformat()), field="due_on")
        if due_on != work.due_on and due_on < (today or dt.date.today()):
            raise AssignmentRefused(_("Due date: it cannot be in the past (you entered %(date)s).",
                                      date=due_on.isoformat()), field="due_on")
    before_id = work.assignee_id
    work.assignee_id = assignee.id if assignee else None
    work.institution_id = institution.id if institution else None
    work.due_on = due_on
    db.session.flush()
    audit.record("entry.assigned", entry, actor=by, party_id=report.party_id, report_id=report.id, key=entry.key,
                 assignee_id=work.assignee_id, institution_id=work.institution_id,
                 due_on=due_on.isoformat() if due_on else None)
    db.session.refresh(work)  # the new assignee loaded, for the notice
    notices.assigned(entry, work, by, before_id)
    return work


@dataclass
class BoardRow:
    """One assignee's entries, by sign-off state."""

    who: str                 # the contributor's name, the institution's, or "" for nobody
    institution_only: bool
    user_id: int | None
    cells: dict[SignOff, list[tuple[Entry, EntryWork | None]]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.cells.values())


def board(report: Report) -> list[BoardRow]:
    """The report's entries grouped by who drafts them (a contributor; else an institution; else nobody),
    each group by state: the people first by name, then the institutions, then the unassigned."""
    works = signoff.works_of(report)
    rows: dict[tuple[int, str], BoardRow] = {}
    for entry in report.entries:
        work = works.get(entry.id)
        if work is not None and work.assignee is not None:
            key, row = (0, f"u{work.assignee.id}"), BoardRow(work.assignee.name, False, work.assignee.id)
        elif work is not None and work.institution is not None:
            key, row = (1, f"i{work.institution.id}"), BoardRow(work.institution.name, True, None)
        else:
            key, row = (2, ""), BoardRow("", False, None)
        row = rows.setdefault(key, row)
        row.cells.setdefault(signoff.state_of(work), []).append((entry, work))
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0], rows[k].who.lower()))]


def assigned_to(user: User, report: Report) -> list[tuple[Entry, EntryWork]]:
    """The entries of the report assigned to this user, the earliest due first (no date last)."""
    works = signoff.works_of(report)
    mine = [(e, works[e.id]) for e in report.entries if e.id in works and works[e.id].assignee_id == user.id]
    return sorted(mine, key=lambda pair: (pair[1].due_on is None, pair[1].due_on or dt.date.max, pair[0].position))
