"""The demo's previous round (judgement.yaml, previous_round; issue 15, item 2).

One party's report is written, submitted and approved, the Commission's assessment of it with its
recommendations written and approved by two people, the round compiled and closed, so that its
edition is final and the recommendations are published: the demo round's report of that party
then carries them as follow-up items (services/reporting/follow_ups.py), which the walk-through
answers before submitting. Everything goes through the real services, as the rest of the demo."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ctportal.demo import processes, walkthrough
from ctportal.demo.loader import demo_data
from ctportal.demo.plan import FactcheckPlan, PreviousRoundPlan
from ctportal.demo.reader import DemoDataError
from ctportal.models import CompiledReport, CompileState, PlanVersion, Report, Round, RoundState, User, db, utcnow
from ctportal.services.desk.rounds import close_round
from ctportal.services.editions import editions, factcheck
from ctportal.services.reporting.reports import ensure_reports
from ctportal.services.review import judgement
from ctportal.services.review.workflow import Step, apply_transition, confirmation_token


def seed(version: PlanVersion) -> Round | None:
    """Create the previous round once (None when the data has none); before the demo round opens."""
    plan = demo_data().judgement.previous_round
    if plan is None:
        return None
    found = db.session.scalar(sa.select(Round).where(Round.document_number == plan.document_number))
    if found is not None:
        return found
    today = dt.date.today()

    def day(years_ago: int, month: int, day: int) -> dt.date:
        return dt.date(today.year - years_ago, month, day)

    start, end = day(*plan.period_start), day(*plan.period_end)
    meeting = demo_data().cast.round
    rnd = Round(title=plan.title, plan_version_id=version.id, period_start=start, period_end=end,
                submission_deadline=end + dt.timedelta(days=60), review_deadline=end + dt.timedelta(days=90),
                meeting_name=meeting.meeting_name, meeting_place=meeting.meeting_place,
                meeting_date=end + dt.timedelta(days=120), document_number=plan.document_number,
                state=RoundState.open, opened_at=utcnow())
    db.session.add(rnd)
    db.session.flush()
    ensure_reports(rnd)
    _approved_report(rnd, plan)
    secretariat = _user(plan.approved_by)
    slot = judgement.slot_of(rnd, f"party-{plan.party}")
    assert slot is not None  # the loader checked the code is a party's; partners have a slot
    text = judgement.save(rnd, slot, _user(plan.written_by), body=plan.body, assessment=plan.assessment,
                          recommendations=[judgement.RecommendationInput(r.text, list(r.actions))
                                           for r in plan.recommendations])
    judgement.approve(rnd, text, secretariat, version=text.version)
    processes.record(rnd, plan.processes)
    if plan.factcheck is not None:
        _factcheck(rnd, plan.factcheck)
    _final_edition(rnd, _user("secretariat@demo.ctportal.eu"))
    close_round(rnd, secretariat)
    db.session.flush()
    return rnd


def _approved_report(rnd: Round, plan: PreviousRoundPlan) -> Report:
    report = db.session.scalar(sa.select(Report).join(Report.party).where(
        Report.round_id == rnd.id, Report.party.has(code=plan.party)))
    assert report is not None  # ensure_reports made one per party
    coordinator = walkthrough.write_whole(report)
    apply_transition(report, Step.submit, coordinator, confirmed=confirmation_token(report, Step.submit, coordinator))
    reviewer = _user("reviewer@demo.ctportal.eu")
    apply_transition(report, Step.approve, reviewer, confirmed=confirmation_token(report, Step.approve, reviewer))
    return report


def _final_edition(rnd: Round, secretariat: User) -> None:
    """The round's edition, compiled by the job the secretariat's button runs (it commits)."""
    edition = editions.start_compile(rnd, secretariat)
    db.session.commit()
    editions.run_compile(edition.id)
    done = db.session.get(CompiledReport, edition.id)
    if done is None or done.state != CompileState.done:
        raise RuntimeError(f"the demo's previous round did not compile: {done.error if done else 'no edition'}")


def _factcheck(rnd: Round, plan: FactcheckPlan) -> CompiledReport:
    """A finished fact-check before the final edition: the draft compiled by the job, its period opened
    by the secretariat and over, each correction sent by the party's coordinator and answered. The story
    is dated before today (the draft ten days ago, the period ended yesterday), so the fact-check is over
    when the demo starts and the party reads the answers."""
    opener = _user(plan.opened_by)
    edition = editions.start_compile(rnd, opener, draft=True)
    db.session.commit()
    editions.run_compile(edition.id)
    draft = db.session.get(CompiledReport, edition.id)
    if draft is None or draft.state != CompileState.done:
        raise RuntimeError(f"the demo's draft edition did not compile: {draft.error if draft else 'no edition'}")
    now = utcnow()
    draft.requested_at = draft.started_at = now - dt.timedelta(days=10, minutes=5)
    draft.finished_at = draft.heartbeat_at = now - dt.timedelta(days=10)
    today = dt.date.today()
    factcheck.open_period(draft, today - dt.timedelta(days=1), opener, today=today - dt.timedelta(days=10))
    for n, c in enumerate(plan.corrections):
        author = _user(c.by)
        part = factcheck.slice_for(draft, author.party_id)
        if part is None:
            raise DemoDataError("judgement.yaml", "previous_round.factcheck", f"{c.by}'s party has no part")
        row = factcheck.add_correction(part, author, c.action, c.text)
        row.created_at = now - dt.timedelta(days=6, hours=n)
        factcheck.resolve(row, _user(c.resolved_by), c.outcome, c.reply)
        row.resolved_at = now - dt.timedelta(days=3, hours=n)
    db.session.flush()
    return draft


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    assert user is not None, email  # the loader checked it is a demo account, seeded first
    return user
