"""What a user typed into an entry's form and has not saved yet (issue 13: nothing typed is lost).

One row per (user, entry): written by the autosave while typing, and by a save posted after the
session had ended. It is the user's own: nobody else reads it, the entry itself is untouched until
the user saves, and the row goes once the entry is saved or the draft discarded, or after a day
(services/reporting/drafts.py).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import Model, utcnow


class EntryDraft(Model):
    __tablename__ = "entry_draft"
    __table_args__ = (sa.UniqueConstraint("user_id", "entry_id", name="uq_entry_draft_user_entry"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    # The form's fields exactly as posted ({name: [values]}), so that what comes back is what was
    # typed, even a date the form would refuse; the version field among them is the entry version
    # the form was opened on, so saving a restored draft meets the conflict check as any save does.
    fields: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    saved_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, index=True)
