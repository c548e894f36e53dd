"""Signing in: password check with lockout, second factor (TOTP and recovery codes)."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
import sqlalchemy as sa
from flask import current_app

from ctportal.infra.database import rows_changed
from ctportal.models import RecoveryCode, User, db, utcnow
from ctportal.services import audit
from ctportal.services.accounts.passwords import hash_password, needs_rehash, verify_password

RECOVERY_CODE_COUNT = 10


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right and the account usable; None otherwise, for any reason.

    Unknown account, wrong password, locked or deactivated account all cost one argon2
    verification and give the caller the same None, so neither the answer nor its timing
    tells whether an account exists.
    """
    user = find_user_by_email(email)
    now = utcnow()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        audit.record("login.failed", reason="unknown account", email=email.strip().lower()[:254])
        return None
    if user.locked_until and user.locked_until > now:
        audit.record("login.refused", user, actor=user, reason="locked")
        return None
    if not ok or not user.active:
        if not ok:
            _count_failure(user, now)
        audit.record("login.failed", user, actor=user, reason="wrong password" if not ok else "deactivated")
        return None
    user.failed_logins = 0
    user.locked_until = None
    if user.password_hash is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return user


def is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > utcnow())


def second_factor_failed(user: User) -> bool:
    """Count a wrong second-factor code like a wrong password; True if the account is now locked."""
    audit.record("login.second_factor_failed", user, actor=user)
    _count_failure(user, utcnow())
    return is_locked(user)


def _count_failure(user: User, now: dt.datetime) -> None:
    # Counted in the database, so the lock holds across every worker process.
    db.session.execute(sa.update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
    db.session.refresh(user, ["failed_logins"])
    if user.failed_logins >= current_app.config["LOCKOUT_THRESHOLD"]:
        user.locked_until = now + dt.timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
        user.failed_logins = 0
        audit.record("account.locked", user, actor=user, until=user.locked_until.isoformat())
    db.session.flush()


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record("login.succeeded", user, actor=user)


# --- TOTP -------------------------------------------------------------------------------------

def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["TOTP_ISSUER"])


def _matching_step(secret: str, code: str, at: dt.datetime | None = None) -> int | None:
    """The time step (of now, or one either side for clock drift) whose code this is."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at or dt.datetime.now(dt.UTC))
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(user: User, code: str, *, secret: str | None = None) -> bool:
    """Check a code and consume it: a code (or an older one) that was accepted once is refused."""
    step = _matching_step(secret or user.totp_secret or "", code)
    if step is None:
        return False
    # Compare-and-set in one statement, so two requests racing with the same code cannot both win.
    result = db.session.execute(
        sa.update(User).where(User.id == user.id, User.totp_last_step < step).values(totp_last_step=step))
    db.session.flush()
    if rows_changed(result) != 1:
        return False
    db.session.refresh(user, ["totp_last_step"])
    return True


def _code_hash(code: str) -> str:
    # Recovery codes carry 50 random bits each: a fast hash is enough, argon2 is not needed.
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are shown once and never stored."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()))
    db.session.flush()
    if rows_changed(result) != 1:
        return False
    audit.record("login.recovery_code_used", user, actor=user)
    return True


def enable_totp(user: User, secret: str) -> list[str]:
    user.totp_secret = secret
    user.totp_enabled = True
    audit.record("account.totp_enabled", user)
    return new_recovery_codes(user)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0
