"""Personal API tokens: made, found, used and revoked here; only their SHA-256 is stored.

A token carries 256 random bits, so a plain SHA-256 (not a slow password hash) is enough to
make a stolen database useless: there is nothing to guess. The secret is shown once, when
made. A token acts with exactly its owner's rights (the API asks ctportal.policy with the
owner as the user), and only for reading: the API has no route that changes anything.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app

from ctportal.models import ApiToken, User, db, utcnow
from ctportal.services import audit

PREFIX = "ctp_"
READ_SCOPE = "read"
NAME_MAX = 100


class TokenError(ValueError):
    """A token that may not be made; the message names the field and what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def max_days() -> int:
    return int(current_app.config["API_TOKEN_MAX_DAYS"])


def create(user: User, name: str, days: int, *, actor: User | None = None) -> tuple[ApiToken, str]:
    """A new read-only token for `user`, valid for `days`; returns the row and the secret (shown once)."""
    name = (name or "").strip()
    if not name:
        raise TokenError("name", "Name: give the token a name, so you can tell it apart later.")
    if len(name) > NAME_MAX:
        raise TokenError("name", f"Name: at most {NAME_MAX} characters.")
    if not 1 <= int(days) <= max_days():
        raise TokenError("days", f"Valid for: between 1 and {max_days()} days.")
    if not user.active:
        raise TokenError("email", "The account is deactivated.")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(user_id=user.id, name=name, token_hash=_hash(secret), prefix=secret[:len(PREFIX) + 6],
                   scope=READ_SCOPE, created_at=now, expires_at=now + dt.timedelta(days=int(days)))
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.created", row, actor=actor or user, party_id=user.party_id, name=name,
                 expires_at=row.expires_at.isoformat(timespec="seconds"), owner=user.email)
    return row, secret


def find_live(secret: str) -> ApiToken | None:
    """The live token with this secret, or None (unknown, revoked, expired, owner deactivated)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    row: ApiToken | None = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if row is None or not row.is_live or not row.user.active:
        return None
    return row


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, live ones first, newest first."""
    rows = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return sorted(rows, key=lambda t: not t.is_live)


def own_token(user: User, token_id: int) -> ApiToken | None:
    """The user's own token by id; another user's token is as missing as one that never was."""
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))


def revoke(row: ApiToken, actor: User) -> bool:
    """Stop the token at once; False if it was already revoked."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    db.session.flush()
    audit.record("api_token.revoked", row, actor=actor, party_id=row.user.party_id, name=row.name)
    return True


def record_use(row: ApiToken, method: str, path: str, status: int) -> None:
    """Every API request is an audit event of its own: who read what, with which token."""
    row.last_used_at = utcnow()
    audit.record("api.request", row, actor=row.user, party_id=row.user.party_id, token=row.prefix,
                 method=method, path=path[:500], status=status, role=row.user.role.value)
