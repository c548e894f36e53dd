"""Demo data: accounts for every role and an open round with realistic report content."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import pyotp
import sqlalchemy as sa

from ctportal import policy
from ctportal.domain.catalogue import load_catalogue
from ctportal.domain.parties import display_name
from ctportal.models import Party, Role, Round, RoundState, User, db, utcnow
from ctportal.services.accounts import signin as auth
from ctportal.services.operations.setup import ensure_parties
from ctportal.services.reporting.reports import ensure_reports
from ctportal.services.accounts.passwords import hash_password
from ctportal.services.accounts.users import create_user

DEMO_PASSWORD = "demo-portal-passphrase"


@dataclass
class DemoLogin:
    email: str
    role: str
    party: str
    totp_secret: str = ""


# (email, name, role, party code)
DEMO_ACCOUNTS = (
    ("admin@demo.ctportal.eu", "Ada Admin", Role.admin, None),
    ("secretariat@demo.ctportal.eu", "Sofia Secretariat", Role.secretariat, None),
    ("reviewer@demo.ctportal.eu", "Rui Reviewer", Role.reviewer, None),
    ("reviewer2@demo.ctportal.eu", "Rita Reviewer", Role.reviewer, None),
    ("coordinator.al@demo.ctportal.eu", "Arben Hoxha", Role.coordinator, "AL"),
    ("contributor.al@demo.ctportal.eu", "Elira Çela", Role.contributor, "AL"),
    ("coordinator.ba@demo.ctportal.eu", "Amra Hadžić", Role.coordinator, "BA"),
    ("coordinator.xk@demo.ctportal.eu", "Driton Krasniqi", Role.coordinator, "XK"),
    ("coordinator.me@demo.ctportal.eu", "Milica Vuković", Role.coordinator, "ME"),
    ("coordinator.mk@demo.ctportal.eu", "Марија Петровска", Role.coordinator, "MK"),
    ("coordinator.rs@demo.ctportal.eu", "Ненад Јовановић", Role.coordinator, "RS"),
    ("contributor.rs@demo.ctportal.eu", "Јелена Марковић", Role.contributor, "RS"),
    ("reporter.ec@demo.ctportal.eu", "Emma Commission", Role.eu_reporter, "EC"),
    ("reporter.europol@demo.ctportal.eu", "Pieter Europol", Role.eu_reporter, "EUROPOL"),
    ("reporter.eurojust@demo.ctportal.eu", "Jana Eurojust", Role.eu_reporter, "EUROJUST"),
)


def seed() -> list[DemoLogin]:
    """Idempotent: accounts and the round are created once; a second run only lists the logins."""
    ensure_parties()
    version = load_catalogue()
    parties = {p.code: p for p in db.session.scalars(sa.select(Party))}
    logins = []
    shared_hash = None
    for email, name, role, code in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = create_user(email, name, role, parties.get(code) if code else None)
            # One argon2 hash for every demo account: hashing fifteen times would slow `make run`.
            shared_hash = shared_hash or hash_password(DEMO_PASSWORD)
            user.password_hash = shared_hash
            if policy.needs_second_factor(user):
                auth.enable_totp(user, pyotp.random_base32())
        logins.append(DemoLogin(email, role.title, display_name(parties[code]) if code else "",
                                user.totp_secret if user.totp_enabled else ""))
    rnd = db.session.scalar(sa.select(Round).where(Round.document_number == "DEMO 1/26"))
    if rnd is None:
        today = dt.date.today()
        rnd = Round(title="Progress report 2026 (demo)", plan_version_id=version.id,
                    period_start=dt.date(today.year - 1, 7, 1), period_end=dt.date(today.year, 6, 30),
                    submission_deadline=today + dt.timedelta(days=21),
                    review_deadline=today + dt.timedelta(days=45),
                    meeting_name="EU-Western Balkans Ministerial Forum on Justice and Home Affairs",
                    meeting_place="Skopje", meeting_date=today + dt.timedelta(days=70),
                    document_number="DEMO 1/26", state=RoundState.open, opened_at=utcnow())
        db.session.add(rnd)
        db.session.flush()
        from ctportal.demo import content as demo_content
        demo_content.before_reports(rnd)  # priority actions, so the reports carry their entries
        ensure_reports(rnd)
        demo_content.fill(rnd)
    db.session.flush()
    return logins


def print_logins(logins: list[DemoLogin], echo: Callable[[str], None]) -> None:
    echo("")
    echo("Demo accounts (password for all: %s)" % DEMO_PASSWORD)
    for login in logins:
        party = f" — {login.party}" if login.party else ""
        echo(f"  {login.email:<40} {login.role}{party}")
    echo("")
    echo("Commission accounts sign in with a second step. Add their key to an authenticator app,")
    echo("or print the current code with: .venv/bin/flask --app app demo-code EMAIL")
    for login in logins:
        if login.totp_secret:
            echo(f"  {login.email:<40} key {login.totp_secret}")
    echo("")
