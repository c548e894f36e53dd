"""Signed-in sessions kept in the database, so that ending one makes its cookie worthless."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm as so

from ctportal.infra.database import rows_changed, write_allowed_on_get
from ctportal.models import LoginSession, Notification, User, db, utcnow

# Writing last_seen on every request would be a write per page view; once a minute is enough
# for an idle timeout counted in minutes.
_TOUCH_EVERY = dt.timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, second_factor_done: bool, ip: str = "", user_agent: str = "") -> str:
    """Create a session row and return the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token_hash=_hash(token), user=user, second_factor_done=second_factor_done,
                                ip=ip[:64], user_agent=user_agent[:300]))
    db.session.flush()
    return token


def find_live_session(token: str) -> LoginSession | None:
    """The session for this token if it is neither ended, idle too long nor too old."""
    if not token:
        return None
    # Every page needs the session, its user (with the party) and the unread count for the
    # navigation: one round trip instead of four. The count is the one at the start of the request;
    # the requests that mark notifications read are POSTs that redirect.
    unread = (sa.select(sa.func.count(Notification.id))
              .where(Notification.user_id == LoginSession.user_id, Notification.read_at.is_(None))
              .scalar_subquery())
    found = db.session.execute(
        sa.select(LoginSession, unread).where(LoginSession.token_hash == _hash(token))
        .options(so.joinedload(LoginSession.user).joinedload(User.party))).first()
    if found is None:
        return None
    row: LoginSession = found[0]
    unread_count = found[1]
    if row.ended_at is not None or not row.user.active:
        return None
    row.user.unread_notifications = unread_count
    now = utcnow()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = dt.timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    expired = now - row.last_seen_at > idle or now - row.created_at > absolute
    if expired or now - row.last_seen_at > _TOUCH_EVERY:
        # End the read first: on SQLite a GET request reads without the write lock, and a
        # transaction whose first statement is the write waits its turn instead of failing.
        row_id = row.id
        db.session.commit()
        values = {"ended_at": now} if expired else {"last_seen_at": now}
        with write_allowed_on_get():
            db.session.execute(sa.update(LoginSession).where(LoginSession.id == row_id).values(**values))
            db.session.commit()
        if expired:
            return None
    return row


def end_session(token: str) -> None:
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.token_hash == _hash(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        db.session.flush()


def end_all_sessions(user: User, *, except_token: str | None = None) -> int:
    """End every live session of the user (logout everywhere, password change, deactivation)."""
    query = sa.update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if except_token:
        query = query.where(LoginSession.token_hash != _hash(except_token))
    result = db.session.execute(query.values(ended_at=utcnow()))
    db.session.flush()
    return rows_changed(result) or 0


def mark_second_factor_done(token: str) -> None:
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.token_hash == _hash(token)))
    if row is not None:
        row.second_factor_done = True
        db.session.flush()


def live_sessions(user: User) -> list[LoginSession]:
    """The user's sessions not ended (some may have timed out without anyone noticing yet)."""
    return list(db.session.scalars(
        sa.select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .order_by(LoginSession.last_seen_at.desc())))


def is_current(row: LoginSession, token: str | None) -> bool:
    if not token:
        return False
    return row.token_hash == _hash(token)


def replace_session(old_token: str, user: User, *, ip: str = "", user_agent: str = "") -> str:
    """Swap a half-signed-in session for a new, fully signed-in one (second factor given), so a cookie
    taken between the two steps is worth nothing once the second step is done."""
    end_session(old_token)
    return start_session(user, second_factor_done=True, ip=ip, user_agent=user_agent)


def idle_seconds_left(seen_at: dt.datetime | None) -> int:
    """Seconds until a session last noted active at `seen_at` reaches the idle limit (for the warning)."""
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if seen_at is None:
        return int(idle.total_seconds())
    return max(0, int((seen_at + idle - utcnow()).total_seconds()))


def seen_at(token: str) -> dt.datetime | None:
    return db.session.scalar(sa.select(LoginSession.last_seen_at).where(LoginSession.token_hash == _hash(token)))


def keep_alive(token: str) -> bool:
    """"Stay signed in": the session's idle time starts again now (not a minute later, as a page view
    would have it). False if the session has already ended."""
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.token_hash == _hash(token)))
    if row is None or row.ended_at is not None:
        return False
    row.last_seen_at = utcnow()
    db.session.flush()
    return True


def user_of_timed_out_session(token: str, *, within: dt.timedelta) -> User | None:
    """The user of a session that ended by its time limit (idle or absolute) less than `within` ago,
    fully signed in and still active: whose typed text a form posted on that session may be kept for.

    Nothing for a session ended on purpose — signing out clears the cookie; a password change,
    "sign out everywhere" or a deactivation end it early — nor for one that never passed its second
    step. The text is only kept, never applied: the user must sign in and save it.
    """
    if not token:
        return None
    row = db.session.scalar(sa.select(LoginSession).where(LoginSession.token_hash == _hash(token))
                            .options(so.joinedload(LoginSession.user)))
    if row is None or not row.second_factor_done or not row.user.active:
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = dt.timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    ended = row.ended_at or now
    timed_out = ended - row.last_seen_at > idle or ended - row.created_at > absolute
    changed = row.user.password_changed_at is not None and row.user.password_changed_at >= row.created_at
    if not timed_out or changed or now - row.last_seen_at > within:
        return None
    return row.user
