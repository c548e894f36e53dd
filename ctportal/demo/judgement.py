"""The Commission's texts of the demo round (data/judgement.yaml), written and approved through the
same service the pages use, so the audit trail records who wrote and who approved each."""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.demo.loader import demo_data
from ctportal.demo.reader import DemoDataError
from ctportal.models import Round, User, db
from ctportal.services.review import judgement


def write(rnd: Round) -> None:
    for plan in demo_data().judgement.texts:
        slot = judgement.slot_of(rnd, plan.slot)
        if slot is None:
            raise DemoDataError("judgement.yaml", f"texts.{plan.slot}", "not a text of the round")
        text = judgement.save(rnd, slot, _user(plan.written_by), body=plan.body, assessment=plan.assessment,
                              recommendations=[judgement.RecommendationInput(body, list(codes))
                                               for body, codes in plan.recommendations])
        if plan.approved_by:
            judgement.approve(rnd, text, _user(plan.approved_by), version=text.version)
    db.session.flush()


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    assert user is not None, email  # the loader checked it is a demo account, seeded first
    return user
