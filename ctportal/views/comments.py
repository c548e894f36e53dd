"""Comment threads (per entry and per report) and the party's "what needs revision" page.

Both sides use these pages: the Commission writes shared or internal comments; a party user
reads and answers the shared ones only. A party user who forges `visibility=internal` is
refused (403) by the policy, and the internal threads are never rendered for them.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.forms.review import CommentForm
from ctportal.models import Entry, Report, ReportState, Visibility, db
from ctportal.policy import Permission
from ctportal.services.review import comments as comment_service
from ctportal.services.review import reviews as review
from ctportal.services.reporting import revisions
from ctportal.views.errors import refused_to
from ctportal.web.safe_urls import safe_next

bp = Blueprint("comments", __name__)


@bp.app_template_global("entry_edit_url")
def entry_edit_url(report: Report, entry: Entry) -> str:
    """The partner's edit page of an entry."""
    return url_for("reports.entry", report_id=report.id, entry_id=entry.id)


@bp.app_template_global("comment_threads")
def comment_threads(report: Report, entry: Entry | None = None) -> list:
    """For other areas' templates: the threads of an entry (or the report) the current user may see."""
    return comment_service.threads(current_user, report, entry)


bp.add_app_template_global(Visibility, "Visibility")


@bp.app_template_global("revision_number")
def revision_number(revision_id: int | None) -> int | None:
    from ctportal.models import Revision
    revision = db.session.get(Revision, revision_id) if revision_id else None
    return revision.number if revision else None


@bp.app_template_global("comment_form")
def comment_form() -> CommentForm:
    return CommentForm()


def _thread_page(report: Report, entry: Entry | None):
    return render_template("comments/thread_page.html", report=report, entry=entry,
                           threads=comment_service.threads(current_user, report, entry),
                           comment_form=CommentForm())


@bp.get("/reports/<int:report_id>/comments")
@login_required
def report_thread(report_id: int):
    return _thread_page(policy.get_report_or_404(report_id), None)


@bp.get("/reports/<int:report_id>/entries/<int:entry_id>/comments")
@login_required
def entry_thread(report_id: int, entry_id: int):
    report = policy.get_report_or_404(report_id)
    return _thread_page(report, policy.entry_of_report_or_404(report, entry_id))


def _post(report: Report, entry: Entry | None):
    default = (url_for("comments.entry_thread", report_id=report.id, entry_id=entry.id) if entry
               else url_for("comments.report_thread", report_id=report.id))
    form = CommentForm()
    back = safe_next(form.next.data, default)
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            label = form[name].label.text if name in form._fields else name
            for error in errors:
                flash(f"{label}: {error}" if name != "csrf_token" else _("The form had expired. Send it again."),
                      "error")
        return redirect(back)
    parent = policy.comment_of_report_or_404(report, form.parent_id.data) \
        if form.parent_id.data else None
    assert form.body.data is not None  # DataRequired passed
    with refused_to(back):
        comment = comment_service.post_comment(report, current_user, form.body.data,
                                               visibility=Visibility(form.visibility.data), entry=entry,
                                               parent=parent)
    db.session.commit()
    flash(_("Your reply is posted.") if parent else _("Your comment is posted."), "success")
    return redirect(f"{back.split('#')[0]}#comment-{comment.parent_id or comment.id}")


@bp.post("/reports/<int:report_id>/comments")
@login_required
def post_report_comment(report_id: int):
    report = policy.get_report_or_404(report_id)
    if Permission.COMMENT not in policy.report_permissions(current_user, report):
        abort(403)
    return _post(report, None)


@bp.post("/reports/<int:report_id>/entries/<int:entry_id>/comments")
@login_required
def post_entry_comment(report_id: int, entry_id: int):
    report = policy.get_report_or_404(report_id)
    entry = policy.entry_of_report_or_404(report, entry_id)
    if Permission.COMMENT not in policy.report_permissions(current_user, report):
        abort(403)
    return _post(report, entry)


@bp.post("/reports/<int:report_id>/comments/<int:comment_id>/resolve")
@login_required
def resolve(report_id: int, comment_id: int):
    report = policy.get_report_or_404(report_id)
    comment = policy.comment_of_report_or_404(report, comment_id)
    resolved = request.form.get("resolved", "1") != "0"
    comment_service.set_resolved(comment, current_user, resolved)  # CommentForbidden: 403 (views/errors.py)
    db.session.commit()
    flash(_("The thread is resolved.") if resolved else _("The thread is open again."), "success")
    default = (url_for("comments.entry_thread", report_id=report.id, entry_id=comment.entry_id)
               if comment.entry_id else url_for("comments.report_thread", report_id=report.id))
    return redirect(safe_next(request.form.get("next"), default))


@bp.get("/reports/<int:report_id>/feedback")
@login_required
def feedback(report_id: int):
    """What the Commission asked the party to revise: the entries and their shared comments."""
    report = policy.get_report_or_404(report_id)
    latest = revisions.latest_revision(report)
    needing = review.needing_revision(report) if report.state != ReportState.submitted else []
    # The party's page: the Commission opening it sees exactly what the party sees (shared threads).
    threads_by_entry = comment_service.open_threads_by_entry(current_user, report, shared_only=True)
    entries = {e.key: e for e in report.entries}
    entries_by_id = {e.id: e for e in report.entries}
    needing_ids = {entries[r.entry_key].id for r in needing if r.entry_key in entries}
    other_threads = {eid: t for eid, t in threads_by_entry.items() if eid not in needing_ids}
    from ctportal.models import ReportEvent
    last_request = db.session.scalar(
        sa.select(ReportEvent).where(ReportEvent.report_id == report.id,
                                     ReportEvent.action.in_(["request_changes", "reopen"]))
        .order_by(ReportEvent.id.desc()).limit(1))
    return render_template("comments/feedback.html", report=report, latest=latest, needing=needing,
                           entries=entries, entries_by_id=entries_by_id, threads_by_entry=threads_by_entry,
                           other_threads=other_threads, last_request=last_request,
                           report_threads=comment_service.threads(current_user, report, shared_only=True),
                           comment_form=CommentForm(), edited_summaries=review.edited_summaries(report),
                           may_see_assessment=policy.may_see_assessment(current_user, report))
