"""The demo round's walk-through: each party's report written and taken through the real workflow.

`before_reports(rnd)` adds the Commission's priority actions (so the reports carry their entries);
`fill(rnd)` writes every report's entries and tells each party's story from its data file
(`walk_through:` in ctportal/demo/data/<party>.yaml): documents, submission, the first review
with its comments, the party's revision, the approval. The steps below are the order a real round
takes; the data says which of them a party goes through, and the state it must end in.
"""
from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.demo import figures as demo_figures
from ctportal.demo import partner_work
from ctportal.demo.documents import attach_document
from ctportal.demo.loader import demo_data
from ctportal.demo.plan import CommentPlan, DemoData, PartnerVoice, PartyPlan, Story
from ctportal.demo.reader import DemoDataError
from ctportal.demo.writing import apply, content_for
from ctportal.models import (Action, Assessment, Comment, Entry, EntryReview, EntryStatus, LegalAct, Party,
                             PriorityAction, Report, Round, User, Verdict, Visibility, db, utcnow)
from ctportal.services.reporting import follow_ups
from ctportal.services.reporting.revisions import latest_revision
from ctportal.services.review.workflow import Step, apply_transition, confirmation_token


def before_reports(rnd: Round) -> list[PriorityAction]:
    """The Commission's priority actions of the data files, created before the reports are."""
    made = []
    year = rnd.period_end.year
    for plan in demo_data().parties.values():
        if not plan.priority_actions:
            continue
        party = db.session.scalars(sa.select(Party).where(Party.code == plan.code)).one()
        for item in plan.priority_actions:
            action = db.session.scalar(sa.select(Action).where(Action.plan_version_id == rnd.plan_version_id,
                                                               Action.code == item.action))
            if action is None:
                raise DemoDataError(plan.file, "priority_actions", f"the plan has no action {item.action}")
            existing = db.session.scalar(sa.select(PriorityAction).where(
                PriorityAction.party_id == party.id, PriorityAction.action_id == action.id,
                PriorityAction.text == item.text))
            if existing is None:
                existing = PriorityAction(party_id=party.id, action_id=action.id, text=item.text,
                                          target_date=dt.date(year + item.years_after_period, item.month, item.day),
                                          created_by_id=_user(item.set_by).id)
                db.session.add(existing)
            made.append(existing)
    db.session.flush()
    return made


def fill(rnd: Round) -> None:
    """Write the demo entries of every report of the round and take each to the state its data file names."""
    data = demo_data()
    reports = {r.party.code: r for r in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id))}
    for code, plan in data.parties.items():
        if code in reports:
            _tell(data, plan, reports[code])
    db.session.flush()


def write_whole(report: Report) -> User:
    """Every entry of the report written by the party's editors (the demo's previous round); returns
    the coordinator, who submits it."""
    data = demo_data()
    editors = [_user(email) for email in data.cast.editors(report.party.code)]
    _write(data, report, editors, 1.0)
    return editors[0]


def _answer_follow_ups(data: DemoData, report: Report, coordinator: User) -> None:
    """The party's answers to the previous round's recommendations (judgement.yaml, previous_round)."""
    before = data.judgement.previous_round
    if before is None or before.party != report.party.code:
        return
    items = follow_ups.of_report(report)
    if len(items) != len(before.recommendations):
        raise DemoDataError("judgement.yaml", "previous_round.recommendations",
                            f"the report carries {len(items)} follow-up items, not {len(before.recommendations)}")
    for item, answer in zip(items, before.recommendations, strict=True):
        follow_ups.save(item, coordinator, status=answer.status.value, narrative=answer.narrative,
                        expected_version=item.version)


def _tell(data: DemoData, plan: PartyPlan, report: Report) -> None:
    story = plan.story
    editors = [_user(email) for email in data.cast.editors(plan.code)]
    coordinator = editors[0]
    written = _write(data, report, editors, story.answered)
    if story.started_without_text:
        # Entries started but not finished: a status chosen, no narrative yet.
        for entry in [e for e in report.entries if e not in written][:story.started_without_text]:
            entry.status = EntryStatus.in_progress
            entry.updated_by_id, entry.updated_at = coordinator.id, utcnow()
    if story.copied_from_previous:
        # Carried over from the last round unchanged: nobody has edited them yet.
        for entry in written[: max(3, len(written) // 4)]:
            entry.copied_from_previous = True
            entry.updated_at, entry.updated_by_id = None, None
    for key in story.legal_acts_left_out:
        _entry(plan, report, key, "walk_through.legal_acts_left_out").legal_acts = []
    db.session.flush()
    for doc in story.documents:
        attached_to = _entry(plan, report, doc.entry, "walk_through.documents") if doc.entry else None
        attach_document(report, attached_to, _user(doc.uploaded_by), doc.file, doc.title, list(doc.lines))
    _answer_follow_ups(data, report, coordinator)
    partner_work.seed(plan, report, coordinator)  # inside the partner, before anything goes to the Commission
    if story.state != report.state:
        if story.reviewer:
            report.assigned_reviewer_id = _user(story.reviewer).id
        apply_transition(report, Step.submit, coordinator,
                         confirmed=confirmation_token(report, Step.submit, coordinator))
        _review_and_revise(plan, report, coordinator, story)
    if report.state != story.state:
        raise DemoDataError(plan.file, "walk_through.state",
                            f"the walk-through leaves the report {report.state.value}, not {story.state.value}")


def _review_and_revise(plan: PartyPlan, report: Report, coordinator: User, story: Story) -> None:
    answers: list[tuple[Comment, CommentPlan]] = []
    if story.first_review:
        assert story.reviewer, plan.file  # the loader requires one for a review
        reviewer = _user(story.reviewer)
        for key in story.first_review.needs_revision:
            _review(report, _entry(plan, report, key, "walk_through.first_review.needs_revision"),
                    reviewer, Verdict.needs_revision)
        for item in story.first_review.comments:
            entry = _entry(plan, report, item.entry, "walk_through.first_review.comments") if item.entry else None
            answers.append((_comment(report, entry, _user(item.by), item.text, item.visibility), item))
        apply_transition(report, Step.request_changes, reviewer, reason=story.first_review.request_changes)
    if story.revision:
        for comment, item in answers:
            if item.answer:
                entry = db.session.get(Entry, comment.entry_id) if comment.entry_id else None
                _comment(report, entry, _user(item.answer[0]), item.answer[1], Visibility.shared, parent=comment)
        fix = story.revision
        entry = _entry(plan, report, fix.entry, "walk_through.revision.entry")
        voice = plan.voice
        assert isinstance(voice, PartnerVoice), plan.code  # the loader allows a revision's law for partners only
        english, native = voice.laws[fix.law]
        adopted = report.round.period_start + dt.timedelta(days=fix.adopted_days_into_period)
        entry.legal_acts = [LegalAct(position=1, title=f"{english} ({native})", adopted_on=adopted,
                                     gazette_reference=voice.gazette_reference(fix.gazette_number, adopted.year))]
        entry.status = fix.status
        entry.updated_by_id, entry.updated_at = coordinator.id, utcnow()
        db.session.flush()
        apply_transition(report, Step.submit, coordinator,
                         confirmed=confirmation_token(report, Step.submit, coordinator))
        for comment, item in answers:
            if item.resolved_after_resubmission:
                comment.resolved_at, comment.resolved_by_id = utcnow(), reviewer.id
    if story.approval:
        approver = _user(story.approval.by)
        made = {}
        for key, assessment in story.approval.assessments.items():
            made[key] = _review(report, _entry(plan, report, key, "walk_through.approval.assessments"), approver,
                                Verdict.accepted, assessment)
        # The key progress the reviewer rewrote for the consolidated report (judgement.yaml).
        for key, text in demo_data().judgement.edited_key_progress.get(plan.code, {}).items():
            review = made.get(key) or _review(report, _entry(plan, report, key, "judgement.yaml: edited_key_progress"),
                                              approver, Verdict.accepted)
            review.report_summary = text
        db.session.flush()
        apply_transition(report, Step.approve, approver,
                         confirmed=confirmation_token(report, Step.approve, approver))


# --- the steps' parts ---------------------------------------------------------------------------------

def _user(email: str) -> User:
    user: User | None = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        raise LookupError(f"demo account {email} is missing: create the demo accounts first")
    return user


def _entry(plan: PartyPlan, report: Report, key: str, where: str) -> Entry:
    for entry in report.entries:
        if entry.key == key:
            return entry
    raise DemoDataError(plan.file, where, f"the report of {plan.code} has no entry {key}")


def _preload(report: Report) -> None:
    """Load the entries' rows in three queries, not three per entry (seed-demo runs at every `make run`)."""
    db.session.scalars(sa.select(Entry).where(Entry.report_id == report.id).options(
        so.selectinload(Entry.measures), so.selectinload(Entry.legal_acts),
        so.joinedload(Entry.action).joinedload(Action.objective), so.joinedload(Entry.priority_action))).unique().all()


def _write(data: DemoData, report: Report, editors: list[User], share: float) -> list[Entry]:
    """Fill the report's entries (all, or a seeded share of them); returns the entries filled."""
    code = report.party.code
    now = utcnow()
    _preload(report)
    entries = list(report.entries)
    chosen = entries
    if share < 1.0:
        rng = random.Random(f"demo:share:{code}")
        # Drafts are filled mostly from the start of the plan, as people work: earlier objectives first.
        count = round(len(entries) * share)
        weights = sorted(entries, key=lambda e: (e.action.objective.number + rng.random() * 2.5))
        chosen = sorted(weights[:count], key=lambda e: e.position)
    with db.session.no_autoflush:
        for i, entry in enumerate(chosen):
            rng = random.Random(f"demo:edit:{code}:{entry.key}")
            apply(entry, content_for(data, report, entry), editors[i % len(editors)],
                  now - dt.timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600)))
    db.session.flush()
    demo_figures.fill(report, chosen)
    return chosen


def _comment(report: Report, entry: Entry | None, author: User, body: str, visibility: Visibility,
             parent: Comment | None = None) -> Comment:
    revision = latest_revision(report)
    comment = Comment(report_id=report.id, entry_id=entry.id if entry is not None else None,
                      parent_id=parent.id if parent is not None else None,
                      revision_id=revision.id if revision is not None else None, author_id=author.id,
                      visibility=visibility, body=body, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    return comment


def _review(report: Report, entry: Entry, reviewer: User, verdict: Verdict,
            assessment: Assessment | None = None) -> EntryReview:
    revision = latest_revision(report)
    assert revision is not None, "a review follows a submission"
    review = EntryReview(report_id=report.id, revision_id=revision.id, entry_id=entry.id, entry_key=entry.key,
                         verdict=verdict, assessment=assessment, note="", reviewer_id=reviewer.id)
    db.session.add(review)
    return review
