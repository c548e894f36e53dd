"""Observers: the parties each is bound to, and each party's consent per round (given, withdrawn).

What an observer may then read is decided in ctportal.policy (the "Observers" block); this
module only records the facts it reads. Every change is an audit event.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable

import sqlalchemy as sa

from ctportal.models import ObserverConsent, ObserverParty, Party, Role, Round, RoundState, User, db, utcnow
from ctportal.services import audit


class ObserverError(ValueError):
    """A change that may not be made; the message says why."""


# --- bindings (administrators, `flask observe`) ------------------------------------------------------

def bound_parties(user: User) -> list[Party]:
    return list(db.session.scalars(sa.select(Party).join(ObserverParty, ObserverParty.party_id == Party.id)
                                   .where(ObserverParty.user_id == user.id).order_by(Party.sort_order)))


def bind(user: User, parties: Iterable[Party], *, actor: User | None = None) -> list[Party]:
    """Make `parties` the observer's whole set (others are unbound)."""
    if user.role != Role.observer:
        raise ObserverError(f"{user.email} is not an observer ({user.role.title}).")
    wanted = {p.id: p for p in parties}
    current = {b.party_id: b
               for b in db.session.scalars(sa.select(ObserverParty).where(ObserverParty.user_id == user.id))}
    for party_id, binding in current.items():
        if party_id not in wanted:
            db.session.delete(binding)
    for party_id in wanted.keys() - current.keys():
        db.session.add(ObserverParty(user_id=user.id, party_id=party_id))
    db.session.flush()
    audit.record("observer.parties_set", user, actor=actor, parties=sorted(p.code for p in wanted.values()))
    return bound_parties(user)


def observers_of(party: Party) -> list[User]:
    """The active observers bound to a party (its coordinator sees who would read)."""
    return list(db.session.scalars(sa.select(User).join(ObserverParty, ObserverParty.user_id == User.id)
                                   .where(ObserverParty.party_id == party.id, User.active.is_(True))
                                   .order_by(User.name)))


# --- consent (the party's coordinator) -----------------------------------------------------------

@dataclass
class RoundConsent:
    round: Round
    consent: ObserverConsent | None   # the standing consent, if any

    @property
    def given(self) -> bool:
        return self.consent is not None


def standing_consent(rnd: Round, party: Party) -> ObserverConsent | None:
    return db.session.scalar(sa.select(ObserverConsent).where(
        ObserverConsent.round_id == rnd.id, ObserverConsent.party_id == party.id,
        ObserverConsent.withdrawn_at.is_(None)).order_by(ObserverConsent.id.desc()).limit(1))


def consent_rounds(party: Party) -> list[RoundConsent]:
    """Every round the party reports in (not one in preparation), newest first, with its consent."""
    rounds = db.session.scalars(sa.select(Round).where(Round.state != RoundState.draft)
                                .order_by(Round.period_end.desc(), Round.id.desc()))
    return [RoundConsent(r, standing_consent(r, party)) for r in rounds]


def give(rnd: Round, party: Party, actor: User) -> bool:
    """Consent for the round; False if it already stands."""
    if rnd.state == RoundState.draft:
        raise ObserverError("This round is still being prepared.")
    if standing_consent(rnd, party) is not None:
        return False
    consent = ObserverConsent(round_id=rnd.id, party_id=party.id, given_by_id=actor.id, given_at=utcnow())
    db.session.add(consent)
    db.session.flush()
    audit.record("consent.given", consent, actor=actor, party_id=party.id, round=rnd.id)
    return True


def withdraw(rnd: Round, party: Party, actor: User) -> bool:
    """Withdraw the standing consent; observers stop reading at once. False if none stood."""
    consent = standing_consent(rnd, party)
    if consent is None:
        return False
    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_id = actor.id
    db.session.flush()
    audit.record("consent.withdrawn", consent, actor=actor, party_id=party.id, round=rnd.id)
    return True
