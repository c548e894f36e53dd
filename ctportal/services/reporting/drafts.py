"""Unsaved drafts of an entry's form: kept for their user only, for a day at most (issue 13).

A draft is what the user typed and the portal has not saved into the entry: written by the
autosave while typing (static/js/keep.js), and by a save posted after the session had ended
(web/auth_session.py). The entry is never touched here; the user gets the draft back in the form
the next time they open the entry, and saving it goes through the one save path, with its
conflict check (the draft carries the version the form was opened on).

A draft is read only by the user who typed it (every lookup names the user); it goes when the
entry is saved by that user, when the user discards it, and after a day (`KEEP_FOR`: pruned by
the daily task, and ignored on reading even before that).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

from ctportal.infra.database import rows_changed
from ctportal.models import Entry, User, db, utcnow
from ctportal.models.drafts import EntryDraft

KEEP_FOR = dt.timedelta(days=1)
# The form's own names that are not typed text: the token and the buttons.
_NOT_KEPT = {"csrf_token", "save", "save_next", "preview", "add_measure", "add_legal_act"}
# A generous bound on what a form of this size can hold (every field at its limit is far less):
# a draft is not a place to store anything else.
MAX_CHARACTERS = 400_000
MAX_FIELDS = 600


class DraftTooLarge(ValueError):
    pass


def _kept(fields: Iterable[tuple[str, list[str]]]) -> dict[str, list[str]]:
    kept = {name: [str(v) for v in values] for name, values in fields
            if name not in _NOT_KEPT and not name.startswith("upload-")}
    if len(kept) > MAX_FIELDS or sum(len(v) for values in kept.values() for v in values) > MAX_CHARACTERS:
        raise DraftTooLarge("the draft is larger than the form can hold")
    return kept


def keep(user: User, entry: Entry, fields: Iterable[tuple[str, list[str]]]) -> EntryDraft:
    """Store the form's fields ({name: values}, e.g. `request.form.lists()`) as the user's draft of
    `entry`, replacing an earlier one; flush, do not commit."""
    kept = _kept(fields)
    draft = db.session.scalar(sa.select(EntryDraft).where(EntryDraft.user_id == user.id,
                                                          EntryDraft.entry_id == entry.id))
    if draft is None:
        draft = EntryDraft(user_id=user.id, entry_id=entry.id, fields=kept, saved_at=utcnow())
        db.session.add(draft)
    else:
        draft.fields, draft.saved_at = kept, utcnow()
    db.session.flush()
    return draft


def find(user: User, entry: Entry, now: dt.datetime | None = None) -> EntryDraft | None:
    """The user's own draft of `entry`, if it is less than a day old."""
    now = now or utcnow()
    return db.session.scalar(sa.select(EntryDraft).where(
        EntryDraft.user_id == user.id, EntryDraft.entry_id == entry.id, EntryDraft.saved_at > now - KEEP_FOR))


def discard(user: User, entry: Entry) -> bool:
    """Remove the user's draft of `entry` (saved, or discarded by the user); True if there was one."""
    result = db.session.execute(sa.delete(EntryDraft).where(EntryDraft.user_id == user.id,
                                                            EntryDraft.entry_id == entry.id))
    db.session.flush()
    return rows_changed(result) > 0


def prune(now: dt.datetime | None = None) -> int:
    """Remove every draft older than a day (the daily task); the number removed."""
    now = now or utcnow()
    result = db.session.execute(sa.delete(EntryDraft).where(EntryDraft.saved_at <= now - KEEP_FOR))
    db.session.flush()
    return rows_changed(result) or 0
