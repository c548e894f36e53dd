"""What the portal tells people: in-portal notifications, queued mail, and reminders already sent."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import Model, utcnow


class Notification(Model):
    __tablename__ = "notification"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    link: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    read_at: so.Mapped[dt.datetime | None]


class OutgoingMail(Model):
    """Every email the portal sends, queued here first (the development outbox shows them)."""

    __tablename__ = "outgoing_mail"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    sent_at: so.Mapped[dt.datetime | None]
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")


class ReminderSent(Model):
    """A reminder goes out once: the unique key records that it did."""

    __tablename__ = "reminder_sent"
    __table_args__ = (sa.UniqueConstraint("report_id", "kind"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    # e.g. "due-14", "due-7", "due-1", "overdue", "review-overdue"; includes the deadline date
    # so an extended deadline earns its own reminders.
    kind: so.Mapped[str] = so.mapped_column(sa.String(60))
    sent_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
