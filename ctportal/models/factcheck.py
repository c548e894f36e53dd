"""The fact-check of a draft edition (issue 15, item 4): each party's own part of the draft, and the
factual corrections its coordinator sends before the period ends."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import Model, utcnow


class FactcheckSlice(Model):
    """One party's part of a draft edition, rendered by the compile job: the party downloads this
    file only, never the edition (which holds every party's annex)."""

    __tablename__ = "factcheck_slice"
    __table_args__ = (sa.UniqueConstraint("edition_id", "party_id", name="uq_factcheck_slice_edition_party"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    edition_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("compiled_report.id"), index=True)
    party_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("party.id"))
    revision_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("revision.id"))
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    page_count: so.Mapped[int]


class FactcheckCorrection(Model):
    """A factual correction a party's coordinator sends on its part of a draft edition: about one
    action of its annex, or general (action_code empty)."""

    __tablename__ = "factcheck_correction"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    edition_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("compiled_report.id"), index=True)
    party_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("party.id"))
    action_code: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    # The secretariat's answer: "" while open, then "accepted" or "not_accepted" with a reply the
    # party reads beside its correction.
    outcome: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    reply: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    resolved_at: so.Mapped[dt.datetime | None]
