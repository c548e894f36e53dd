"""Demo data: the accounts of cast.yaml and an open round whose reports the walk-through fills."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Callable

import pyotp
import sqlalchemy as sa

from ctportal import policy
from ctportal.demo import figures as demo_figures
from ctportal.demo import judgement, previous, processes, walkthrough
from ctportal.demo.loader import demo_data
from ctportal.domain.catalogue import load_catalogue
from ctportal.domain.parties import display_name
from ctportal.models import Party, Role, Round, RoundState, User, db, utcnow
from ctportal.services.accounts import observers
from ctportal.services.accounts import signin as auth
from ctportal.services.operations.setup import ensure_parties
from ctportal.services.reporting.reports import ensure_reports
from ctportal.services.accounts.passwords import hash_password
from ctportal.services.accounts.users import create_user


@dataclass
class DemoLogin:
    email: str
    role: str
    party: str
    totp_secret: str = ""


# The demo observer reads these parties; Albania's coordinator consents in the demo round.
DEMO_OBSERVED = ("AL", "RS")


def seed() -> list[DemoLogin]:
    """Idempotent: accounts and the round are created once; a second run only lists the logins."""
    cast = demo_data().cast
    ensure_parties()
    version = load_catalogue()
    parties = {p.code: p for p in db.session.scalars(sa.select(Party))}
    logins = []
    shared_hash = None
    for account in cast.accounts:
        user = db.session.scalar(sa.select(User).where(User.email == account.email))
        if user is None:
            user = create_user(account.email, account.name, account.role,
                               parties[account.party] if account.party else None)
            # One argon2 hash for every demo account: hashing fifteen times would slow `make run`.
            shared_hash = shared_hash or hash_password(cast.password)
            user.password_hash = shared_hash
            if policy.needs_second_factor(user):
                auth.enable_totp(user, pyotp.random_base32())
        logins.append(DemoLogin(account.email, account.role.title,
                                display_name(parties[account.party]) if account.party else "",
                                (user.totp_secret or "") if user.totp_enabled else ""))
    plan = cast.round
    rnd = db.session.scalar(sa.select(Round).where(Round.document_number == plan.document_number))
    if rnd is None:
        previous.seed(version)  # first: the demo round's reports follow up its recommendations
        today = dt.date.today()

        def day(years_ago: int, month: int, day: int) -> dt.date:
            return dt.date(today.year - years_ago, month, day)

        rnd = Round(title=plan.title, plan_version_id=version.id,
                    period_start=day(*plan.period_start), period_end=day(*plan.period_end),
                    submission_deadline=today + dt.timedelta(days=plan.submission_deadline_in_days),
                    review_deadline=today + dt.timedelta(days=plan.review_deadline_in_days),
                    meeting_name=plan.meeting_name, meeting_place=plan.meeting_place,
                    meeting_date=today + dt.timedelta(days=plan.meeting_in_days),
                    document_number=plan.document_number, state=RoundState.open, opened_at=utcnow())
        db.session.add(rnd)
        db.session.flush()
        walkthrough.before_reports(rnd)  # priority actions, so the reports carry their entries
        demo_figures.add_round_indicator(rnd)  # the Commission's own figure for this round
        ensure_reports(rnd)
        walkthrough.fill(rnd)
        judgement.write(rnd)  # the Commission's texts, after the reports they judge
        processes.record(rnd, demo_data().judgement.processes)
        _observer(parties, rnd)
    db.session.flush()
    return logins


def _observer(parties: dict[str, Party], rnd: Round) -> None:
    observer = db.session.scalar(sa.select(User).where(User.role == Role.observer))
    coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator.al@demo.ctportal.eu"))
    assert observer is not None and coordinator is not None  # the demo users are seeded before the round
    observers.bind(observer, [parties[c] for c in DEMO_OBSERVED], actor=None)
    observers.give(rnd, parties["AL"], coordinator)


def print_logins(logins: list[DemoLogin], echo: Callable[[str], None]) -> None:
    echo("")
    echo(f"Demo accounts (password for all: {demo_data().cast.password})")
    for login in logins:
        party = f" — {login.party}" if login.party else ""
        echo(f"  {login.email:<40} {login.role}{party}")
    echo("")
    echo("Commission accounts sign in with a second step. Add their key to an authenticator app,")
    echo("or print the current code with: make demo-code EMAIL=... (a code is accepted once).")
    for login in logins:
        if login.totp_secret:
            echo(f"  {login.email:<40} key {login.totp_secret}")
    echo("")
