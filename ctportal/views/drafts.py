"""Unsaved drafts of an entry's form: the autosave while typing, and discarding a restored draft.

The entry page restores the draft (views/reports.py); saving the entry removes it. Both routes
load the report through the policy, as every edit does: another party's user gets a 404, and a
draft is only ever the signed-in user's own (services/reporting/drafts.py).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ctportal import policy
from ctportal.forms import ActionForm
from ctportal.models import db
from ctportal.policy import Permission
from ctportal.services.accounts import sessions
from ctportal.services.reporting import drafts
from ctportal.web.templating import local_datetime

bp = Blueprint("drafts", __name__)


@bp.post("/reports/<int:report_id>/entries/<int:entry_id>/draft")
@login_required
def autosave(report_id: int, entry_id: int):
    """The entry form as typed so far (static/js/keep.js posts it a moment after each change)."""
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    entry = policy.entry_of_report_or_404(report, entry_id)
    if "version" not in request.form:
        return {"error": "the form's fields are missing"}, 422
    try:
        draft = drafts.keep(current_user, entry, request.form.lists())
    except drafts.DraftTooLarge as exc:
        db.session.rollback()
        return {"error": str(exc)}, 413
    db.session.commit()
    # The session may not have noted this request as activity (once a minute): say when it ends.
    return {"saved_at": draft.saved_at.isoformat() + "Z", "label": local_datetime(draft.saved_at),
            "idle_left": sessions.idle_seconds_left(sessions.seen_at(current_user.session_token))}


@bp.post("/reports/<int:report_id>/entries/<int:entry_id>/draft/discard")
@login_required
def discard(report_id: int, entry_id: int):
    report = policy.get_report_or_404(report_id, permission=Permission.EDIT)
    entry = policy.entry_of_report_or_404(report, entry_id)
    if not ActionForm().validate():
        abort(400)
    drafts.discard(current_user, entry)
    db.session.commit()
    flash(_("The unsaved draft was discarded; the form shows the saved version."), "info")
    return redirect(url_for("reports.entry", report_id=report.id, entry_id=entry.id))
