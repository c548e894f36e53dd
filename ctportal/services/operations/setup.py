"""Putting the plan's parties into the database."""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.models import Party, PartyKind, db
from ctportal.domain.parties import PARTIES


def ensure_parties() -> list[Party]:
    """Create the nine parties if missing (idempotent); returns them in display order."""
    existing = {p.code: p for p in db.session.scalars(sa.select(Party))}
    for order, info in enumerate(PARTIES):
        party = existing.get(info.code)
        if party is None:
            party = Party(code=info.code)
            db.session.add(party)
        party.name = info.name
        party.native_name = info.native_name
        party.kind = PartyKind(info.kind)
        party.actor_group = info.actor_group
        party.name_footnote = info.name_footnote
        party.sort_order = order
    db.session.flush()
    return list(db.session.scalars(sa.select(Party).order_by(Party.sort_order)))


def party_by_code(code: str) -> Party | None:
    return db.session.scalar(sa.select(Party).where(Party.code == code.upper()))
