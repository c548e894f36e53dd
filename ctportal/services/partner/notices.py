"""Who hears of the work inside a partner (issue 18), in the portal and by mail, in their own language:

* an entry assigned      -> its new contributor;
* marked ready           -> the party's coordinators;
* accepted or sent back  -> its contributor (else whoever marked it ready), with the coordinator's comment.

Nobody is told about their own action. Every recipient is checked against the policy (policy/partner.py) first: the
comment is the party's own and never reaches anyone outside it (the Commission above all).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext

from ctportal.models import Entry, EntryWork, PartnerNote, Role, SignOff, User, db
from ctportal.policy import Work, work_permissions
from ctportal.services.messaging.notify import path_for, report_label, send
from ctportal.services.reporting import signoff


def _inside(entry: Entry, users: Iterable[User | None]) -> list[User]:
    return [u for u in users if u is not None and Work.SEE in work_permissions(u, entry.report)]


def _drafter(entry: Entry, work: EntryWork) -> User | None:
    """The entry's contributor; else whoever last marked it ready."""
    if work.assignee is not None:
        return work.assignee
    author_id = db.session.scalar(sa.select(PartnerNote.author_id).where(
        PartnerNote.entry_id == entry.id, PartnerNote.step == SignOff.ready).order_by(PartnerNote.id.desc()).limit(1))
    return db.session.get(User, author_id) if author_id else None


def _send(entry: Entry, users: Iterable[User | None], kind: str, subject: LazyString, message: LazyString, by: User,
          note: str = "") -> None:
    send(_inside(entry, users), kind, subject, "partner_step.txt", exclude=by, message=message, note=note,
         link=path_for("reports.entry", report_id=entry.report_id, entry_id=entry.id),
         due=entry_due(entry))


def entry_due(entry: Entry) -> dt.date | None:
    work = signoff.work_of(entry)
    return work.due_on if work is not None else None


def assigned(entry: Entry, work: EntryWork, by: User, before_id: int | None) -> None:
    if work.assignee is None or work.assignee_id == before_id:
        return
    code, label = entry.action.code, report_label(entry.report)
    _send(entry, [work.assignee], "partner_assigned",
          lazy_gettext("Assigned to you: %(entry)s — %(label)s", entry=code, label=label),
          lazy_gettext("%(actor)s assigned %(entry)s to you.", actor=by.name, entry=code), by)


def stepped(entry: Entry, work: EntryWork, by: User, note: str = "") -> None:
    code, label = entry.action.code, report_label(entry.report)
    if work.state == SignOff.ready:
        coordinators = db.session.scalars(sa.select(User).where(
            User.party_id == entry.report.party_id, User.role == Role.coordinator, User.active.is_(True)))
        _send(entry, list(coordinators), "partner_ready",
              lazy_gettext("Ready for you to accept: %(entry)s — %(label)s", entry=code, label=label),
              lazy_gettext("%(actor)s marked %(entry)s ready for you to accept.", actor=by.name, entry=code), by)
    elif work.state == SignOff.returned:
        _send(entry, [_drafter(entry, work)], "partner_returned",
              lazy_gettext("Sent back to you: %(entry)s — %(label)s", entry=code, label=label),
              lazy_gettext("%(actor)s sent %(entry)s back to you.", actor=by.name, entry=code), by, note)
    elif work.state == SignOff.accepted:
        _send(entry, [_drafter(entry, work)], "partner_accepted",
              lazy_gettext("Accepted: %(entry)s — %(label)s", entry=code, label=label),
              lazy_gettext("%(actor)s accepted %(entry)s for submission.", actor=by.name, entry=code), by)
