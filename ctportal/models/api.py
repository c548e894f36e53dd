"""The API's own tables: personal tokens (only a hash of the secret is stored), observers' parties and consent."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import Model, utcnow

if TYPE_CHECKING:
    from ctportal.models.accounts import Party, User


class ApiToken(Model):
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
    last_used_at: so.Mapped[dt.datetime | None]
    revoked_at: so.Mapped[dt.datetime | None]

    user: so.Mapped[User] = so.relationship()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()


class ObserverParty(Model):
    """An observer reads what this party agreed to share (and nothing of any other party)."""

    __tablename__ = "observer_party"
    __table_args__ = (sa.UniqueConstraint("user_id", "party_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    party_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("party.id"), index=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)

    party: so.Mapped[Party] = so.relationship()


class ObserverConsent(Model):
    """A party's consent for a round: observers bound to it may read its approved report.

    Given and withdrawn by the party's coordinator; a row is never deleted, so the history of
    consent stays (the current consent is the row not withdrawn).
    """

    __tablename__ = "observer_consent"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_round.id"), index=True)
    party_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("party.id"), index=True)
    given_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    given_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    withdrawn_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    withdrawn_at: so.Mapped[dt.datetime | None]

    given_by: so.Mapped[User] = so.relationship(foreign_keys=[given_by_id])
    withdrawn_by: so.Mapped[User | None] = so.relationship(foreign_keys=[withdrawn_by_id])
