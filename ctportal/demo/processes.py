"""The demo's follow-up processes (judgement.yaml, `processes`; issue 15, item 5), recorded through the
service the Commission's form calls, their report document uploaded and checked by content like any
upload."""
from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from ctportal.demo.documents import demo_pdf
from ctportal.demo.plan import ProcessPlan
from ctportal.demo.reader import DemoDataError
from ctportal.models import CommissionText, ProcessRecord, Round, User, db
from ctportal.services.review import processes


def record(rnd: Round, plans: tuple[ProcessPlan, ...]) -> list[ProcessRecord]:
    today = dt.date.today()
    made = []
    for plan in plans:
        years, month, day = plan.held_on
        held = dt.date(today.year - years, month, day)
        ends = dt.date(today.year - plan.ends_on[0], plan.ends_on[1], plan.ends_on[2]) if plan.ends_on else None
        refs = []
        for code, number in plan.recommendations:
            text = db.session.scalar(sa.select(CommissionText).where(CommissionText.round_id == rnd.id,
                                                                     CommissionText.slot == f"party-{code}"))
            if text is None or not any(r.number == number for r in text.recommendations):
                raise DemoDataError("judgement.yaml", f"processes.{plan.title}",
                                    f"{code} has no recommendation {number} in {rnd.title}")
            refs.append(processes.ref_key(text.id, number))
        upload = None
        if plan.report:
            pdf = demo_pdf(plan.title, [f"{plan.place}, {held.isoformat()}", "Report of the mission (demo)."])
            upload = (io.BytesIO(pdf), plan.report)
        made.append(processes.save(rnd, _user(plan.recorded_by), processes.ProcessInput(
            kind=plan.kind.value, title=plan.title, held_on=held, ends_on=ends, place=plan.place,
            participants=plan.participants, summary=plan.summary, internal_notes=plan.internal_notes,
            party_codes=list(plan.parties), action_codes=", ".join(plan.actions), recommendations=refs,
            report_shared=plan.report_shared), upload=upload))
    return made


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    assert user is not None, email  # the loader checked it is a demo account, seeded first
    return user
