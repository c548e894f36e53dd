"""The Commission's review: queue, report review, entry verdicts, accept-all, request changes,
approve, reopen, assign a reviewer. Party users may not open these pages (403 on their own
report, 404 on another party's — as for any object they may not see)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.services.review import workflow
from ctportal.forms import options
from ctportal.forms.review import (AcceptAllForm, ApproveForm, AssignForm, CommentForm, EntryReviewForm,
                                   QueueFilterForm, ReasonForm)
from ctportal.models import Assessment, Entry, Party, Report, ReportState, Round, RoundState, User, Verdict, db
from ctportal.policy import Permission
from ctportal.services.review import comments as comment_service
from ctportal.services.review import diff
from ctportal.services.review import reviews as review
from ctportal.services.reporting import revisions
from ctportal.services.review.workflow import Step, TransitionError
from ctportal.views.errors import on_form, refused_to
from ctportal.web.gates import requires

bp = Blueprint("review", __name__, url_prefix="/review")


def _report(report_id: int, permission: Permission = Permission.VIEW) -> Report:
    """The report for the Commission's review pages: 404 if not visible, 403 for a party user."""
    report = policy.get_report_or_404(report_id)
    perms = policy.report_permissions(current_user, report)
    if Permission.SEE_INTERNAL not in perms or permission not in perms:
        abort(403)
    return report


@bp.get("/")
@login_required
@requires(policy.is_commission)
def queue():
    form = QueueFilterForm(request.args)
    rounds = list(db.session.scalars(sa.select(Round).where(Round.state != RoundState.draft)
                                     .order_by(Round.submission_deadline.desc())))
    form.round.choices = options([(0, "All rounds")] + [(r.id, r.title) for r in rounds])
    parties = list(db.session.scalars(sa.select(Party).order_by(Party.sort_order)))
    from ctportal.domain.parties import display_name
    form.party.choices = options([(0, "All parties")] + [(p.id, display_name(p)) for p in parties])
    if not form.validate():
        form = QueueFilterForm(formdata=None)
        form.round.choices = options([(0, "All rounds")] + [(r.id, r.title) for r in rounds])
        form.party.choices = options([(0, "All parties")] + [(p.id, display_name(p)) for p in parties])
    state = form.state.data or "submitted"
    rows = review.queue(current_user, round_id=form.round.data or None, party_id=form.party.data or None,
                        state=state, mine=bool(form.mine.data))
    drafts = review.draft_counts(current_user, round_id=form.round.data or None, party_id=form.party.data or None)
    return render_template("review/queue.html", form=form, rows=rows, drafts=drafts, state=state,
                           today=dt.date.today())


def _report_context(report: Report) -> dict:
    latest = revisions.latest_revision(report)
    reviews = review.reviews_for(latest)
    changed = review.changed_since_previous(latest) if latest else set()
    previous = review.previous_revision(latest) if latest else None
    return dict(report=report, latest=latest, reviews=reviews, changed=changed, previous=previous,
                entries={e.key: e for e in report.entries},
                snapshot_entries=latest.snapshot["entries"] if latest else [],
                actions=workflow.allowed_actions(current_user, report),
                remaining=review.remaining_keys(report) if latest else [],
                needing=review.needing_revision(report))


@bp.get("/reports/<int:report_id>")
@login_required
def report(report_id: int):
    report = _report(report_id)
    context = _report_context(report)
    default = "changed" if context["previous"] is not None and report.state == ReportState.submitted else "all"
    show = request.args.get("show", default)
    if show not in ("changed", "all", "remaining", "needs_revision"):
        show = default
    keys = [e["key"] for e in context["snapshot_entries"]]
    if show == "changed":
        keys = [k for k in keys if k in context["changed"]]
    elif show == "remaining":
        keys = [k for k in keys if k in context["remaining"]]
    elif show == "needs_revision":
        keys = [r.entry_key for r in context["needing"]]
    open_threads = {}
    for thread_list in comment_service.open_threads_by_entry(current_user, report).values():
        for thread in thread_list:
            open_threads[thread.root.entry_id] = open_threads.get(thread.root.entry_id, 0) + 1
    assign = AssignForm(reviewer_id=report.assigned_reviewer_id or 0)
    assign.reviewer_id.choices = options([(0, "Nobody (all reviewers are told)")] + [
        (u.id, u.name) for u in review.reviewer_choices()])
    return render_template(
        "review/report.html", show=show, shown_keys=keys, open_threads=open_threads, assign_form=assign,
        approve_form=ApproveForm(state_version=report.state_version),
        threads=comment_service.threads(current_user, report), comment_form=CommentForm(),
        may_assign=policy.may_assign_reviewer(current_user, report),
        approver=db.session.get(User, report.approved_by_id) if report.approved_by_id else None, **context)


@bp.route("/reports/<int:report_id>/entries/<int:entry_id>", methods=["GET", "POST"])
@login_required
def entry(report_id: int, entry_id: int):
    report = _report(report_id)
    entry = policy.entry_of_report_or_404(report, entry_id)
    latest = revisions.latest_revision(report)
    if latest is None:
        abort(404)
    snapshot = revisions.entries_by_key(latest).get(entry.key)
    if snapshot is None:
        abort(404)
    current = review.reviews_for(latest).get(entry.key)
    form = EntryReviewForm(
        verdict=current.verdict.value if current and current.verdict else "",
        assessment=current.assessment.value if current and current.assessment else "",
        note=current.note if current else "", revision_id=latest.id)
    may_review = Permission.REVIEW in policy.report_permissions(current_user, report)
    if request.method == "POST":
        if not may_review:
            abort(403)
        if form.validate_on_submit():
            try:
                review.save_entry_review(
                    report, entry, current_user,
                    verdict=Verdict(form.verdict.data) if form.verdict.data else None,
                    assessment=Assessment(form.assessment.data) if form.assessment.data else None,
                    note=form.note.data or "", expected_revision_id=form.revision_id.data)
            except review.ReviewError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(f"Your review of {entry.key} is saved.", "success")
                following = _next_key(latest, entry.key, request.form.get("go") == "next")
                if following is not None:
                    return redirect(url_for("review.entry", report_id=report.id, entry_id=following.id))
                return redirect(url_for("review.report", report_id=report.id))
    previous = review.previous_revision(latest)
    before = revisions.entries_by_key(previous).get(entry.key) if previous else None
    prev_round = review.previous_round_revision(report)
    round_before = revisions.entries_by_key(prev_round).get(entry.key) if prev_round else None
    keys = [e["key"] for e in latest.snapshot["entries"]]
    index = keys.index(entry.key)
    neighbours = {e.key: e for e in report.entries}
    return render_template(
        "review/entry.html", report=report, entry=entry, latest=latest, snapshot=snapshot, form=form,
        may_review=may_review, previous=previous,
        changes=diff.entry_changes(before, snapshot) if previous else None,
        prev_round=prev_round, round_changes=diff.entry_changes(round_before, snapshot) if prev_round else None,
        round_before=round_before,
        threads=comment_service.threads(current_user, report, entry), comment_form=CommentForm(),
        prev_entry=neighbours.get(keys[index - 1]) if index > 0 else None,
        next_entry=neighbours.get(keys[index + 1]) if index + 1 < len(keys) else None,
        position=index + 1, count=len(keys))


def _next_key(latest, key: str, wanted: bool):
    if not wanted:
        return None
    keys = [e["key"] for e in latest.snapshot["entries"]]
    index = keys.index(key)
    if index + 1 >= len(keys):
        return None
    return db.session.scalar(sa.select(Entry).where(Entry.report_id == latest.report_id,
                                                    Entry.key == keys[index + 1]))


@bp.route("/reports/<int:report_id>/accept-all", methods=["GET", "POST"])
@login_required
def accept_all(report_id: int):
    report = _report(report_id, Permission.REVIEW)
    latest = revisions.latest_revision(report)
    remaining = review.remaining_keys(report)
    form = AcceptAllForm(keys=",".join(remaining), revision_id=latest.id)
    if request.method == "POST" and form.validate_on_submit():
        keys = [k for k in (form.keys.data or "").split(",") if k]
        with refused_to(url_for("review.accept_all", report_id=report.id)):
            accepted = review.accept_remaining(report, current_user, keys, expected_revision_id=form.revision_id.data)
        db.session.commit()
        flash(f"{len(accepted)} entries accepted.", "success")
        return redirect(url_for("review.report", report_id=report.id))
    snapshot = revisions.entries_by_key(latest)
    return render_template("review/accept_all.html", report=report, latest=latest, form=form,
                           remaining=[snapshot[k] for k in remaining], reviews=review.reviews_for(latest))


def _transition_page(report: Report, action: Step, template: str):
    form = ReasonForm(state_version=report.state_version)
    if request.method == "POST" and form.validate_on_submit():
        try:
            workflow.apply_transition(report, action, current_user, reason=form.reason.data,
                                      expected_state_version=form.state_version.data)
        except TransitionError as exc:
            on_form(form, exc, "reason")
        else:
            db.session.commit()
            flash({Step.request_changes: "Changes requested: the party has been told.",
                   Step.reopen: "The report is reopened: the party has been told."}[action], "success")
            return redirect(url_for("review.report", report_id=report.id))
    needing = review.needing_revision(report)
    threads_by_entry = comment_service.open_threads_by_entry(current_user, report)
    entries = {e.key: e for e in report.entries}
    return render_template(template, report=report, form=form, needing=needing, entries=entries,
                           threads_by_entry=threads_by_entry), (200 if not form.errors else 422)


@bp.route("/reports/<int:report_id>/request-changes", methods=["GET", "POST"])
@login_required
def request_changes(report_id: int):
    report = _report(report_id, Permission.REVIEW)
    return _transition_page(report, Step.request_changes, "review/request_changes.html")


@bp.route("/reports/<int:report_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(report_id: int):
    report = _report(report_id, Permission.REOPEN)
    return _transition_page(report, Step.reopen, "review/reopen.html")


@bp.post("/reports/<int:report_id>/approve")
@login_required
def approve(report_id: int):
    report = _report(report_id, Permission.APPROVE)
    form = ApproveForm()
    if not form.validate_on_submit():
        flash("The form had expired. Approve again.", "error")
        return redirect(url_for("review.report", report_id=report.id))
    with refused_to(url_for("review.report", report_id=report.id)):
        workflow.apply_transition(report, Step.approve, current_user,
                                  expected_state_version=form.state_version.data)
    db.session.commit()
    flash("The report is approved and locked.", "success")
    return redirect(url_for("review.report", report_id=report.id))


@bp.post("/reports/<int:report_id>/assign")
@login_required
def assign(report_id: int):
    report = _report(report_id)
    if not policy.may_assign_reviewer(current_user, report):
        abort(403)
    form = AssignForm()
    form.reviewer_id.choices = options([(0, "Nobody")] + [(u.id, u.name) for u in review.reviewer_choices()])
    if not form.validate_on_submit():
        flash("Choose a reviewer from the list.", "error")
        return redirect(url_for("review.report", report_id=report.id))
    reviewer = db.session.get(User, form.reviewer_id.data) if form.reviewer_id.data else None
    with refused_to(url_for("review.report", report_id=report.id)):
        review.assign_reviewer(report, reviewer, current_user)
    db.session.commit()
    flash(f"Assigned reviewer: {reviewer.name if reviewer else 'nobody'}.", "success")
    return redirect(url_for("review.report", report_id=report.id))
