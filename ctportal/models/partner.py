"""Work inside one partner (issue 18): its institutions, who drafts each entry, and the coordinator's sign-off.

Everything here is the partner's own. It is kept in tables of its own, apart from the entry (whose
fields the snapshot freezes for the Commission) and from the comments (whose internal visibility is
the Commission's): no revision, review page, export, PDF, API answer or mail to the Commission reads
these tables, so a note written inside the partner cannot reach the Commission by a query that
forgot a filter (docs/reporting.md, "Work inside a partner").
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm as so

from ctportal.models.accounts import User
from ctportal.models.base import Model, enum_column, utcnow


class Institution(Model):
    """A ministry, agency or service of a partner that contributes input, with or without accounts."""

    __tablename__ = "institution"
    __table_args__ = (sa.UniqueConstraint("party_id", "name", name="uq_institution_party_name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    party_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("party.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Retired, not deleted: entries of earlier rounds stay assigned to it.
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class SignOff(enum.Enum):
    """Where an entry stands inside its partner (not the Commission's review)."""

    open = "open"            # being drafted (or edited after it was accepted)
    ready = "ready"          # its drafter says it is ready for the coordinator
    accepted = "accepted"    # the coordinator accepted it for submission
    returned = "returned"    # the coordinator sent it back, with a note

    @property
    def title(self) -> str:
        return {"open": gettext("Being drafted"), "ready": gettext("Ready for the coordinator"),
                "accepted": gettext("Accepted by the coordinator"),
                "returned": gettext("Sent back by the coordinator")}[self.value]

    @property
    def css_class(self) -> str:
        return {"open": "secondary", "ready": "primary", "accepted": "success", "returned": "warning"}[self.value]


class EntryWork(Model):
    """One entry's assignment and sign-off: at most one row per entry, made when first needed."""

    __tablename__ = "entry_work"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), unique=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id", ondelete="CASCADE"), index=True)
    assignee_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    institution_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("institution.id"))
    due_on: so.Mapped[dt.date | None]
    state: so.Mapped[SignOff] = enum_column(SignOff, default=SignOff.open)
    # The entry's version the coordinator accepted: an edit after it makes the entry not accepted again.
    accepted_version: so.Mapped[int | None]
    state_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    state_at: so.Mapped[dt.datetime | None]

    assignee: so.Mapped[User | None] = so.relationship(foreign_keys=[assignee_id])
    institution: so.Mapped[Institution | None] = so.relationship()
    state_by: so.Mapped[User | None] = so.relationship(foreign_keys=[state_by_id])


class PartnerNote(Model):
    """A note inside the partner on one entry: the coordinator's reason for sending it back, and the
    sign-off's own steps. Never shown outside the partner (the mirror of the Commission's internal comments)."""

    __tablename__ = "partner_note"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    step: so.Mapped[SignOff] = enum_column(SignOff, check_name="partner_note_step")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)

    author: so.Mapped[User] = so.relationship()
