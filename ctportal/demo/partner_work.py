"""The work inside a partner in the demo (issue 18): its institutions, who drafts which entry by when, and
where the coordinator's sign-off stands — from `partner_work:` in the party's data file, through the real
services (the assignment's checks, the sign-off's table of steps)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ctportal.demo.plan import PartnerVoice, PartyPlan
from ctportal.demo.reader import DemoDataError
from ctportal.models import Entry, Institution, Report, User, db
from ctportal.services.partner import assignments
from ctportal.services.reporting import signoff

# The steps that lead to each sign-off state the data names (services/reporting/signoff.STEPS).
PATH = {"open": (), "ready": ("ready",), "accepted": ("ready", "accept"), "returned": ("ready", "send_back")}


def seed(plan: PartyPlan, report: Report, coordinator: User) -> None:
    work = plan.work
    if work is None:
        return
    assert isinstance(plan.voice, PartnerVoice), plan.code  # the loader allows partner_work for partners only
    kept = {}
    for key in work.institutions:
        name = plan.voice.institutions[key][1]  # in the party's own language, as its officials write it
        institution = db.session.scalar(sa.select(Institution).where(Institution.party_id == report.party_id,
                                                                     Institution.name == name))
        kept[key] = institution or Institution(party_id=report.party_id, name=name)
        db.session.add(kept[key])
    db.session.flush()
    entries = {e.key: e for e in report.entries}
    for item in work.assignments:
        entry: Entry | None = entries.get(item.entry)
        if entry is None:
            raise DemoDataError(plan.file, "partner_work.assignments", f"the report has no entry {item.entry}")
        drafter = db.session.scalar(sa.select(User).where(User.email == item.to)) if item.to else None
        try:
            assignments.assign(entry, coordinator, assignee_id=drafter.id if drafter else None,
                               institution_id=kept[item.institution].id if item.institution else None,
                               due_on=dt.date.today() + dt.timedelta(days=item.due_in_days)
                               if item.due_in_days else None)
        except assignments.AssignmentRefused as refused:
            raise DemoDataError(plan.file, f"partner_work.assignments ({item.entry})", refused.message) from refused
        for step in PATH[item.sign_off]:
            by = drafter if step == "ready" and drafter is not None else coordinator
            signoff.take_step(entry, step, by, version=entry.version, note=item.note if step == "send_back" else "")
