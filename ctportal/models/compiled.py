"""Editions of the consolidated PDF, and the cache of parts rendered from approved revisions."""
from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm as so

from ctportal.models.base import Model, enum_column, utcnow

if TYPE_CHECKING:
    from ctportal.models.reports import Revision


class CompileState(enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"

    @property
    def title(self) -> str:
        return {"queued": gettext("Queued"), "running": gettext("Running"), "done": gettext("Done"),
                "failed": gettext("Failed")}[self.value]


class CompiledReport(Model):
    __tablename__ = "compiled_report"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_round.id"), index=True)
    state: so.Mapped[CompileState] = enum_column(CompileState, default=CompileState.queued)
    progress: so.Mapped[int] = so.mapped_column(default=0)  # percent
    stage: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    requested_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    requested_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[dt.datetime | None]
    # Written every few seconds by the job while it runs: without it, a worker that died is
    # noticed (ctportal/services/operations/heartbeat.py) and the edition marked failed.
    heartbeat_at: so.Mapped[dt.datetime | None]
    finished_at: so.Mapped[dt.datetime | None]
    stored_name: so.Mapped[str | None] = so.mapped_column(sa.String(100), unique=True)
    sha256: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    size: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    page_count: so.Mapped[int | None]
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    superseded_at: so.Mapped[dt.datetime | None]
    superseded_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # A draft edition (issue 15, item 4) is marked DRAFT on every page and is never final
    # (policy.is_final_edition): it is compiled for the parties' fact-check only.
    draft: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # The last day on which parties may send factual corrections; None until the secretariat opens it.
    factcheck_ends_on: so.Mapped[dt.date | None]
    # A final edition records the fact-check it follows (issue 15, item 4): the latest finished draft
    # of the round whose period was opened, set by the compile job.
    factcheck_draft_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("compiled_report.id"))
    # The edition in Word (issue 16, item 3), written by the same job from the same content as the
    # PDF and kept beside it under 'compiled', with its own SHA-256: it never changes either.
    docx_stored_name: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    docx_sha256: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    docx_size: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    # Whose seal the PDF carries (the seal certificate's subject, issue 16, item 4); "" if unsealed.
    sealed_by: so.Mapped[str] = so.mapped_column(sa.String(300), default="", server_default="")

    revisions: so.Mapped[list[Revision]] = so.relationship(
        secondary="compiled_report_revision", order_by="Revision.report_id")


class CompiledReportRevision(Model):
    """The exact revisions an edition contains."""

    __tablename__ = "compiled_report_revision"

    compiled_report_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("compiled_report.id"), primary_key=True)
    revision_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("revision.id"), primary_key=True)


class RenderedPart(Model):
    """A PDF part rendered from immutable input (an approved revision), reused across compiles."""

    __tablename__ = "rendered_part"
    __table_args__ = (sa.UniqueConstraint("cache_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Hash of everything the part depends on: revision snapshot, template version, party.
    cache_key: so.Mapped[str] = so.mapped_column(sa.String(64))
    revision_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("revision.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    page_count: so.Mapped[int]
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    # Last looked up by a compile or a download; `flask prune-parts` removes long-unused parts.
    used_at: so.Mapped[dt.datetime | None] = so.mapped_column(default=utcnow)
