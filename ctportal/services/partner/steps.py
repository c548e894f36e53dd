"""A sign-off step taken on a page: the step (services/reporting/signoff.py) and who hears of it (notices)."""
from __future__ import annotations

from ctportal.models import Entry, EntryWork, User
from ctportal.services.partner import notices
from ctportal.services.reporting import signoff


def take(entry: Entry, step: str, user: User, *, version: int | None = None, note: str = "") -> EntryWork:
    work = signoff.take_step(entry, step, user, version=version, note=note)
    notices.stepped(entry, work, user, note.strip())
    return work
