"""The Commission's review: queue, report review, entry verdicts, accept-all, request changes,
approve, reopen, assign a reviewer. Party users may not open these pages (403 on their own
report, 404 on another party's — as for any object they may not see)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.forms import options
from ctportal.forms.review import (AcceptAllForm, ApproveForm, AssignForm, CommentForm, EntryReviewForm,
                                   QueueFilterForm, ReasonForm)
from ctportal.models import Assessment, Report, User, Verdict, db
from ctportal.pages import review as pages
from ctportal.policy import Permission
from ctportal.services.reporting import revisions
from ctportal.services.review import reviews as review
from ctportal.services.review import confirmation, workflow
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
    rounds, parties = pages.queue_choices()
    form = QueueFilterForm(request.args)
    form.round.choices, form.party.choices = options(rounds), options(parties)
    if not form.validate():
        form = QueueFilterForm(formdata=None)
        form.round.choices, form.party.choices = options(rounds), options(parties)
    return render_template("review/queue.html", form=form, **pages.queue_page(
        current_user, round_id=form.round.data or None, party_id=form.party.data or None,
        state=form.state.data or "submitted", mine=bool(form.mine.data)))


@bp.get("/reports/<int:report_id>")
@login_required
def report(report_id: int):
    report = _report(report_id)
    assign = AssignForm(reviewer_id=report.assigned_reviewer_id or 0)
    assign.reviewer_id.choices = options([(0, _("Nobody (all reviewers are told)"))] + [
        (u.id, u.name) for u in review.reviewer_choices()])
    return render_template(
        "review/report.html", assign_form=assign,
        comment_form=CommentForm(), may_assign=policy.may_assign_reviewer(current_user, report),
        **pages.report_page(report, current_user, request.args.get("show")))


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
        note=current.note if current else "", revision_id=latest.id,
        report_summary=current.report_summary if current else "")
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
                    note=form.note.data or "", expected_revision_id=form.revision_id.data,
                    report_summary=form.report_summary.data)
            except review.ReviewError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(_("Your review of %(key)s is saved.", key=entry.key), "success")
                following = pages.next_entry(latest, entry.key) if request.form.get("go") == "next" else None
                if following is not None:
                    return redirect(url_for("review.entry", report_id=report.id, entry_id=following.id))
                return redirect(url_for("review.report", report_id=report.id))
    return render_template("review/entry.html", form=form, may_review=may_review, comment_form=CommentForm(),
                           party_summary=snapshot.get("summary") or "",
                           **pages.entry_page(report, entry, latest, snapshot, current_user))


@bp.route("/reports/<int:report_id>/accept-all", methods=["GET", "POST"])
@login_required
def accept_all(report_id: int):
    report = _report(report_id, Permission.REVIEW)
    latest = revisions.latest_revision(report)
    assert latest is not None  # a report open to review has been submitted: it has a revision
    remaining = review.remaining_keys(report)
    form = AcceptAllForm(keys=",".join(remaining), revision_id=latest.id)
    if request.method == "POST" and form.validate_on_submit():
        keys = [k for k in (form.keys.data or "").split(",") if k]
        assert form.revision_id.data is not None  # InputRequired passed
        with refused_to(url_for("review.accept_all", report_id=report.id)):
            accepted = review.accept_remaining(report, current_user, keys, expected_revision_id=form.revision_id.data)
        db.session.commit()
        flash(ngettext("%(num)d entry accepted.", "%(num)d entries accepted.", len(accepted)), "success")
        return redirect(url_for("review.report", report_id=report.id))
    return render_template("review/accept_all.html", form=form, **pages.accept_all_page(report, latest, remaining))


def _transition_page(report: Report, action: Step, template: str):
    form = ReasonForm(state_version=report.state_version)
    if request.method == "POST" and form.validate_on_submit():
        assert form.reason.data is not None  # DataRequired passed
        try:
            workflow.apply_transition(report, action, current_user, reason=form.reason.data,
                                      expected_state_version=form.state_version.data)
        except TransitionError as exc:
            on_form(form, exc, "reason")
        else:
            db.session.commit()
            flash({Step.request_changes: _("Changes requested: the party has been told."),
                   Step.reopen: _("The report is reopened: the party has been told.")}[action], "success")
            return redirect(url_for("review.report", report_id=report.id))
    return render_template(template, form=form, **pages.transition_page(report, current_user)), (
        200 if not form.errors else 422)


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


@bp.route("/reports/<int:report_id>/approve", methods=["GET", "POST"])
@login_required
def approve(report_id: int):
    """Approval goes through this page: it states what is approved (entries reviewed, not
    reviewed, needing revision; another reviewer assigned) and refuses while entries need revision."""
    report = _report(report_id, Permission.APPROVE)
    summary = confirmation.approval_summary(report, current_user)
    if summary is None:
        abort(404)
    # The token comes from the page the user read, never from the server's own default: a form built
    # with it would fill a POST that lacks it (WTForms keeps the default when a field is absent).
    form = ApproveForm(formdata=None, state_version=report.state_version, confirmed=summary.token)
    status = 200
    if request.method == "POST":
        form = ApproveForm()
        if not form.validate_on_submit():
            flash(_("The form had expired. Read the summary and approve again."), "error")
            return redirect(url_for("review.approve", report_id=report.id))
        try:
            workflow.apply_transition(report, Step.approve, current_user,
                                      expected_state_version=form.state_version.data,
                                      confirmed=form.confirmed.data or None)
        except TransitionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            report = _report(report_id, Permission.APPROVE)
            summary = confirmation.approval_summary(report, current_user)
            assert summary is not None  # the report had a revision a moment ago; revisions are never deleted
            form = ApproveForm(formdata=None, state_version=report.state_version, confirmed=summary.token)
            status = 409
        else:
            db.session.commit()
            flash(_("The report is approved and locked."), "success")
            return redirect(url_for("review.report", report_id=report.id))
    return render_template("review/approve.html", report=report, summary=summary, form=form), status


@bp.post("/reports/<int:report_id>/assign")
@login_required
def assign(report_id: int):
    report = _report(report_id)
    if not policy.may_assign_reviewer(current_user, report):
        abort(403)
    form = AssignForm()
    form.reviewer_id.choices = options([(0, _("Nobody"))] + [(u.id, u.name) for u in review.reviewer_choices()])
    if not form.validate_on_submit():
        flash(_("Choose a reviewer from the list."), "error")
        return redirect(url_for("review.report", report_id=report.id))
    reviewer = db.session.get(User, form.reviewer_id.data) if form.reviewer_id.data else None
    with refused_to(url_for("review.report", report_id=report.id)):
        review.assign_reviewer(report, reviewer, current_user)
    db.session.commit()
    flash(_("Assigned reviewer: %(name)s.", name=reviewer.name if reviewer else _("nobody")), "success")
    return redirect(url_for("review.report", report_id=report.id))
