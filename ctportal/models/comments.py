"""Comment threads on reports and entries, shared with the party or internal to the Commission."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.accounts import User
from ctportal.models.base import Model, enum_column, utcnow


class Visibility(enum.Enum):
    shared = "shared"       # the party sees it
    internal = "internal"   # Commission only: never shown to a party in any page, export or PDF

    @property
    def title(self) -> str:
        return {"shared": "Shared with the party", "internal": "Internal (Commission only)"}[self.value]


class Comment(Model):
    __tablename__ = "comment"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    entry_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("entry.id"), index=True)
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("comment.id"), index=True)
    revision_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("revision.id"))
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    visibility: so.Mapped[Visibility] = enum_column(Visibility, default=Visibility.shared)
    # System comments are written by state changes into the same thread.
    is_system: so.Mapped[bool] = so.mapped_column(default=False)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    resolved_at: so.Mapped[dt.datetime | None]
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))

    author: so.Mapped[User | None] = so.relationship(foreign_keys=[author_id])
    replies: so.Mapped[list[Comment]] = so.relationship(order_by="Comment.created_at")
