"""Background work the portal keeps track of: runs of periodic tasks, and party PDF jobs."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import Model, enum_column, utcnow
from ctportal.models.compiled import CompileState


class ScheduledRun(Model):
    """One run of a periodic task for one period (a day, a week, five minutes).

    Every job server's scheduler queues each periodic task; the unique (name, period) row lets
    the first one run it and every other one skip, so a deadline's reminders never go out twice.
    """

    __tablename__ = "scheduled_run"
    __table_args__ = (sa.UniqueConstraint("name", "period"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(60))
    period: so.Mapped[str] = so.mapped_column(sa.String(40))
    started_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    finished_at: so.Mapped[dt.datetime | None]
    outcome: so.Mapped[str] = so.mapped_column(sa.String(300), default="")


class PartyPdfJob(Model):
    """Making one party's report PDF (one revision) in the background; the file itself is a
    cached part (services/editions/party.py), so a second request for it is instant."""

    __tablename__ = "party_pdf_job"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    revision_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("revision.id"))
    state: so.Mapped[CompileState] = enum_column(CompileState, check_name="partypdfstate",
                                                 default=CompileState.queued)
    progress: so.Mapped[int] = so.mapped_column(default=0)  # percent
    stage: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    stored_name: so.Mapped[str | None] = so.mapped_column(sa.String(100))  # under "parts"
    requested_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    requested_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[dt.datetime | None]
    heartbeat_at: so.Mapped[dt.datetime | None]
    finished_at: so.Mapped[dt.datetime | None]
