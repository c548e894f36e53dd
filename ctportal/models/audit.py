"""The append-only, hash-chained audit trail."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import Model, utcnow


class AuditEvent(Model):
    __tablename__ = "audit_event"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # Kept as text too, so the trail still reads after an account is renamed.
    actor_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    party_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("party.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    object_type: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    object_id: so.Mapped[int | None]
    detail: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    ip: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    prev_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
