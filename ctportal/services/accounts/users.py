"""Creating and changing accounts."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext

from ctportal.domain.errors import DomainError
from ctportal import policy
from ctportal.models import Party, Role, User, db, utcnow
from ctportal.services import audit
from ctportal.services.accounts.passwords import hash_password, password_problems
from ctportal.services.messaging.language import written_for


# Reset links sent to one account per hour, at most (someone else may be asking for them).
RESET_LINKS_PER_HOUR = 3


class AccountError(DomainError, ValueError):
    """A request to create or change an account that breaks a rule; the message says which."""


def check_role_party(role: Role, party: Party | None) -> None:
    if role.is_party_role and party is None:
        raise AccountError(gettext("A %(role)s belongs to a party: choose one.", role=role.title.lower()))
    if not role.is_party_role and party is not None:
        raise AccountError(gettext("A %(role)s does not belong to a party.", role=role.title.lower()))
    if party is not None:
        if role == Role.eu_reporter and party.kind.value != "eu":
            raise AccountError(gettext("An EU reporter belongs to the Commission, Europol or Eurojust."))
        if role in (Role.contributor, Role.coordinator) and party.kind.value != "wb_partner":
            raise AccountError(gettext("Partner contributors and coordinators belong to a Western Balkans partner."))


def create_user(email: str, name: str, role: Role, party: Party | None = None,
                password: str | None = None, *, actor: User | None = None) -> User:
    email = email.strip().lower()
    check_role_party(role, party)
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email)):
        raise AccountError(gettext("An account with the email address %(email)s already exists.", email=email),
                           field="email")
    user = User(email=email, name=name.strip() or email, role=role, party=party)
    if password is not None:
        problems = password_problems(password, email=email)
        if problems:
            raise AccountError(" ".join(problems))
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", user, actor=actor, email=email, role=role.value,
                 party=party.code if party else None)
    return user


# --- administration (views commit) ------------------------------------------------------------

def _end_sessions(user: User) -> int:
    from ctportal.services.accounts import sessions
    return sessions.end_all_sessions(user)


def invite_user(email: str, name: str, role: Role, party: Party | None, *, actor: User) -> tuple[User, str]:
    """Create an account without a password and queue the invitation email with its one-time link."""
    from flask import current_app, render_template

    from ctportal.models import TokenPurpose
    from ctportal.services.messaging import mail
    from ctportal.services.accounts import tokens

    user = create_user(email, name, role, party, actor=actor)
    token = tokens.issue(user, TokenPurpose.invite)
    with written_for(user):
        body = render_template("mail/invite.txt", user=user, inviter=actor,
                               link=tokens.link(token, TokenPurpose.invite),
                               hours=current_app.config["INVITE_VALID_HOURS"])
        subject = gettext("Your account on the CT Western Balkans reporting portal")
    mail.send_mail([user.email], subject, body)
    audit.record("account.invited", user, actor=actor, email=user.email, role=role.value,
                 party=party.code if party else None)
    return user, token


def resend_invitation(user: User, *, actor: User) -> str:
    from flask import current_app, render_template

    from ctportal.models import TokenPurpose
    from ctportal.services.messaging import mail
    from ctportal.services.accounts import tokens

    if user.password_hash:
        raise AccountError(gettext("This account has already set its password; it can use “Forgotten your password?”."))
    token = tokens.issue(user, TokenPurpose.invite)
    with written_for(user):
        body = render_template("mail/invite.txt", user=user, inviter=actor,
                               link=tokens.link(token, TokenPurpose.invite),
                               hours=current_app.config["INVITE_VALID_HOURS"])
        subject = gettext("Your account on the CT Western Balkans reporting portal")
    mail.send_mail([user.email], subject, body)
    audit.record("account.invitation_resent", user, actor=actor)
    return token


def change_role(user: User, role: Role, party: Party | None, *, actor: User) -> bool:
    """Give the user another role or party. Their sessions end: they sign in again under the new rules
    (a new second-factor requirement, another party's reports). Returns whether anything changed."""
    check_role_party(role, party)
    if user.id == actor.id and role != user.role:
        raise AccountError(gettext("You cannot change your own role: ask another administrator."))
    if user.role == role and user.party_id == (party.id if party else None):
        return False
    old_role, old_party = user.role.value, user.party.code if user.party else None
    user.role = role
    user.party = party
    db.session.flush()
    ended = _end_sessions(user)
    audit.record("account.role_changed", user, actor=actor, old_role=old_role, old_party=old_party,
                 role=role.value, party=party.code if party else None, sessions_ended=ended)
    return True


def deactivate(user: User, *, actor: User) -> None:
    if user.id == actor.id:
        raise AccountError(gettext("You cannot deactivate your own account: ask another administrator."))
    user.active = False
    db.session.flush()
    ended = _end_sessions(user)
    audit.record("account.deactivated", user, actor=actor, sessions_ended=ended)


def reactivate(user: User, *, actor: User) -> None:
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    audit.record("account.reactivated", user, actor=actor)


def unlock(user: User, *, actor: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    audit.record("account.unlocked", user, actor=actor)


def reset_second_factor(user: User, *, actor: User) -> None:
    """Forget the user's authenticator and recovery codes (lost phone); they enrol again at next sign-in."""
    from ctportal.models import RecoveryCode

    user.totp_enabled = False
    user.totp_secret = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
    ended = _end_sessions(user)
    audit.record("account.totp_reset", user, actor=actor, sessions_ended=ended)


def set_party_requires_2fa(party: Party, required: bool, *, actor: User) -> int:
    """Switch mandatory two-step sign-in for a party's users. When switched on, the sessions of its
    users without an authenticator end, so they set one up at their next sign-in. Returns that count."""
    if party.require_2fa == required:
        return 0
    party.require_2fa = required
    db.session.flush()
    ended = 0
    if required:
        for user in db.session.scalars(sa.select(User).where(User.party_id == party.id,
                                                             User.totp_enabled.is_(False))):
            ended += _end_sessions(user)
    audit.record("party.require_2fa_changed", party, actor=actor, required=required, sessions_ended=ended)
    return ended


# --- the user's own account -----------------------------------------------------------------------

def set_password(user: User, password: str, *, reason: str, keep_session: str | None = None) -> int:
    """Set a new password (rules checked) and end the user's sessions but `keep_session`."""
    from ctportal.services.accounts import sessions

    problems = password_problems(password, email=user.email)
    if problems:
        raise AccountError(" ".join(problems))
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    ended = sessions.end_all_sessions(user, except_token=keep_session)
    audit.record("account.password_set", user, actor=user, reason=reason, sessions_ended=ended)
    return ended


def request_password_reset(email: str, page_language: str | None = None) -> None:
    """Queue a reset link if an active account has this email; do nothing visible otherwise."""
    from flask import current_app, render_template

    from ctportal.models import TokenPurpose
    from ctportal.services.messaging import mail
    from ctportal.services.accounts import tokens
    from ctportal.services.accounts.signin import find_user_by_email

    user = find_user_by_email(email)
    if user is None or not user.active:
        audit.record("account.reset_requested", reason="no active account", email=email.strip().lower()[:254])
        return
    if tokens.recently_issued(user, TokenPurpose.reset, within=dt.timedelta(hours=1)) >= RESET_LINKS_PER_HOUR:
        # Silently: the answer must not differ from that for an unknown address.
        audit.record("account.reset_throttled", user, actor=user)
        return
    token = tokens.issue(user, TokenPurpose.reset)
    # The account's language, else the one the forgotten-password page was read in.
    with written_for(user, fallback=page_language):
        body = render_template("mail/reset.txt", user=user, link=tokens.link(token, TokenPurpose.reset),
                               minutes=current_app.config["RESET_VALID_MINUTES"])
        subject = gettext("Reset your password for the CT Western Balkans reporting portal")
    mail.send_mail([user.email], subject, body)
    audit.record("account.reset_requested", user, actor=user)


def disable_totp(user: User) -> None:
    from ctportal.models import RecoveryCode

    if policy.two_factor_mandatory(user):
        raise AccountError(gettext("Two-step sign-in is mandatory for your account; it cannot be turned off."))
    user.totp_enabled = False
    user.totp_secret = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
    audit.record("account.totp_disabled", user, actor=user)


def search_users(query: str = "", role: Role | None = None, party: Party | None = None,
                 status: str = "") -> list[User]:
    """Accounts for the admin list, filtered; newest last within party/role order."""
    stmt = sa.select(User).outerjoin(Party, User.party_id == Party.id)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.email).like(like), sa.func.lower(User.name).like(like)))
    if role is not None:
        stmt = stmt.where(User.role == role)
    if party is not None:
        stmt = stmt.where(User.party_id == party.id)
    if status == "active":
        stmt = stmt.where(User.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.active.is_(False))
    elif status == "locked":
        stmt = stmt.where(User.locked_until > utcnow())
    elif status == "invited":
        stmt = stmt.where(User.password_hash.is_(None))
    return list(db.session.scalars(stmt.order_by(Party.sort_order.nulls_first(), User.role, User.email)))


def rename(user: User, name: str, *, actor: User) -> None:
    old = user.name
    user.name = name.strip()[:200] or user.email
    db.session.flush()
    audit.record("account.renamed", user, actor=actor, old_name=old, name=user.name)
