"""Creating and changing accounts."""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.models import Party, Role, User, db, utcnow
from ctportal.services import audit
from ctportal.services.passwords import hash_password, password_problems


class AccountError(ValueError):
    """A request to create or change an account that breaks a rule; the message says which."""


def check_role_party(role: Role, party: Party | None) -> None:
    if role.is_party_role and party is None:
        raise AccountError(f"A {role.title.lower()} belongs to a party: choose one.")
    if not role.is_party_role and party is not None:
        raise AccountError(f"A {role.title.lower()} does not belong to a party.")
    if party is not None:
        if role == Role.eu_reporter and party.kind.value != "eu":
            raise AccountError("An EU reporter belongs to the Commission, Europol or Eurojust.")
        if role in (Role.contributor, Role.coordinator) and party.kind.value != "wb_partner":
            raise AccountError("Partner contributors and coordinators belong to a Western Balkans partner.")


def create_user(email: str, name: str, role: Role, party: Party | None = None,
                password: str | None = None, *, actor: User | None = None) -> User:
    email = email.strip().lower()
    check_role_party(role, party)
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email)):
        raise AccountError(f"An account with the email address {email} already exists.")
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
