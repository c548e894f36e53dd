"""Personal API tokens: a user's read-only key to /api/v1; only a hash of the secret is stored."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import db, utcnow


class ApiToken(db.Model):
    """One personal token. It acts with exactly its owner's rights, within its scope ("read")."""

    __tablename__ = "api_token"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # The first characters of the secret, so the owner can tell tokens apart (never enough to use).
    prefix: so.Mapped[str] = so.mapped_column(sa.String(16))
    scope: so.Mapped[str] = so.mapped_column(sa.String(16), default="read")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[dt.datetime]
    last_used_at: so.Mapped[Optional[dt.datetime]]
    revoked_at: so.Mapped[Optional[dt.datetime]]

    user: so.Mapped["User"] = so.relationship()  # noqa: F821

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()
