"""One-time links (invitation, password reset): only a hash is stored, used once, expiring."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app, url_for

from ctportal.infra.database import rows_changed
from ctportal.models import AccountToken, TokenPurpose, User, db, utcnow

_ENDPOINTS = {TokenPurpose.invite: "auth.accept_invite", TokenPurpose.reset: "auth.reset_password"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(purpose: TokenPurpose) -> dt.timedelta:
    if purpose == TokenPurpose.invite:
        return dt.timedelta(hours=current_app.config["INVITE_VALID_HOURS"])
    return dt.timedelta(minutes=current_app.config["RESET_VALID_MINUTES"])


def issue(user: User, purpose: TokenPurpose) -> str:
    """A new link token for the user; any earlier unused token of the same purpose stops working."""
    now = utcnow()
    db.session.execute(
        sa.update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))
        .values(used_at=now))
    token = secrets.token_urlsafe(32)
    db.session.add(AccountToken(token_hash=_hash(token), user_id=user.id, purpose=purpose,
                                created_at=now, expires_at=now + _lifetime(purpose)))
    db.session.flush()
    return token


def link(token: str, purpose: TokenPurpose) -> str:
    """The absolute link for an email, built on BASE_URL (never on the request's Host header)."""
    path = url_for(_ENDPOINTS[purpose], token=token, _external=False)
    return str(current_app.config["BASE_URL"]).rstrip("/") + path


def find_valid(token: str, purpose: TokenPurpose) -> AccountToken | None:
    """The unused, unexpired token row for this link, or None (unknown, used, expired, wrong purpose)."""
    if not token or len(token) > 100:
        return None
    row: AccountToken | None = db.session.scalar(
        sa.select(AccountToken).where(AccountToken.token_hash == _hash(token)))
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row


def consume(row: AccountToken) -> bool:
    """Mark the token used; False if another request used it first (compare-and-set)."""
    result = db.session.execute(
        sa.update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow()))
    db.session.flush()
    return rows_changed(result) == 1


def recently_issued(user: User, purpose: TokenPurpose, *, within: dt.timedelta) -> int:
    return db.session.scalar(sa.select(sa.func.count(AccountToken.id)).where(
        AccountToken.user_id == user.id, AccountToken.purpose == purpose,
        AccountToken.created_at > utcnow() - within)) or 0
