"""Parties, users, sign-in sessions, one-time tokens and recovery codes."""
from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import orm as so

from ctportal.models.base import Model, enum_column, utcnow


class PartyKind(enum.Enum):
    wb_partner = "wb_partner"   # a Western Balkans partner
    eu = "eu"                   # the Commission, Europol, Eurojust

    @property
    def title(self) -> str:
        return {"wb_partner": gettext("Western Balkans partner"), "eu": gettext("EU side")}[self.value]


class Role(enum.Enum):
    contributor = "contributor"
    coordinator = "coordinator"
    eu_reporter = "eu_reporter"
    reviewer = "reviewer"
    secretariat = "secretariat"
    admin = "admin"
    # Reads, through the API, what the parties it is bound to have agreed to share (issue 19).
    observer = "observer"

    @property
    def title(self) -> str:
        return {
            "contributor": gettext("Partner contributor"),
            "coordinator": gettext("Partner coordinator"),
            "eu_reporter": gettext("EU reporter"),
            "reviewer": gettext("Commission reviewer"),
            "secretariat": gettext("Secretariat"),
            "admin": gettext("Administrator"),
            "observer": gettext("Observer"),
        }[self.value]

    @property
    def is_party_role(self) -> bool:
        """Roles whose holder belongs to exactly one party and reports for it."""
        return self in (Role.contributor, Role.coordinator, Role.eu_reporter)


class Party(Model):
    __tablename__ = "party"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(8), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    # The name in the party's own language and script, shown beside the English one.
    native_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    kind: so.Mapped[PartyKind] = enum_column(PartyKind)
    # The actor group of the plan this party reports on (partner, eu, europol, eurojust).
    actor_group: so.Mapped[str] = so.mapped_column(sa.String(16))
    # A footnote that must accompany the name on first mention (Kosovo*).
    name_footnote: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    sort_order: so.Mapped[int] = so.mapped_column(default=0)
    require_2fa: so.Mapped[bool] = so.mapped_column(default=False)

    users: so.Mapped[list[User]] = so.relationship(back_populates="party")


class User(UserMixin, Model):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint(
            "(role IN ('contributor', 'coordinator', 'eu_reporter')) = (party_id IS NOT NULL)",
            name="party_matches_role"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    role: so.Mapped[Role] = enum_column(Role)
    party_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("party.id"), index=True)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    totp_enabled: so.Mapped[bool] = so.mapped_column(default=False)
    # The last TOTP time step accepted: a code of that step or earlier is refused (no replay).
    totp_last_step: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    failed_logins: so.Mapped[int] = so.mapped_column(default=0)
    locked_until: so.Mapped[dt.datetime | None]
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    last_login_at: so.Mapped[dt.datetime | None]
    password_changed_at: so.Mapped[dt.datetime | None]
    # The portal's language for this account (a code of domain/languages.py); None: the browser's.
    # Mail to the account is written in it too.
    language: so.Mapped[str | None] = so.mapped_column(sa.String(16))

    party: so.Mapped[Party | None] = so.relationship(back_populates="users")

    # Set by the session loader for the request (not stored): the cookie carries the session
    # token, never the user's id, so ending the session row ends the cookie.
    if TYPE_CHECKING:  # an annotation here would ask SQLAlchemy to map it
        session_token: str | None
        session_seen_at: dt.datetime | None   # the session's last noted activity: the idle limit's start
    else:
        session_token = None
        session_seen_at = None
    second_factor_pending = False
    unread_notifications = None   # counted with the session lookup, for the navigation

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class LoginSession(Model):
    """One signed-in browser. The cookie carries only its random id; ending the row ends the session."""

    __tablename__ = "login_session"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    last_seen_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    ended_at: so.Mapped[dt.datetime | None]
    # A session stays "half signed in" until the second factor is given.
    second_factor_done: so.Mapped[bool] = so.mapped_column(default=False)
    ip: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    user_agent: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    user: so.Mapped[User] = so.relationship()


class TokenPurpose(enum.Enum):
    invite = "invite"
    reset = "reset"


class AccountToken(Model):
    """A one-time link (invitation or password reset); only its hash is stored."""

    __tablename__ = "account_token"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    purpose: so.Mapped[TokenPurpose] = enum_column(TokenPurpose)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[dt.datetime]
    used_at: so.Mapped[dt.datetime | None]

    user: so.Mapped[User] = so.relationship()


class RecoveryCode(Model):
    __tablename__ = "recovery_code"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(200))
    used_at: so.Mapped[dt.datetime | None]
