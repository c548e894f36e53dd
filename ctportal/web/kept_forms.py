"""An entry's form posted after the session had ended: its text is kept for the user who typed it.

The cookie still carries the token of the session that timed out; that session names the user.
The posted fields become that user's draft of the entry (services/reporting/drafts.py), the
browser is sent to sign in with `next=` the entry's page (a path, never the text), and once
signed in the entry page restores the draft into the form. Nothing is kept when the session was
ended on purpose, when the user may no longer edit the report, or when the post did not come
from a page of this portal.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import request, session, url_for

from ctportal import policy
from ctportal.models import Entry, Report, db
from ctportal.policy import Permission
from ctportal.services.accounts import sessions
from ctportal.services.reporting import drafts

# The routes that carry an entry's whole form: the save, the upload that saves first, the autosave.
ENTRY_FORM_ENDPOINTS = frozenset({"reports.save_entry", "documents.upload_to_entry", "drafts.autosave"})


def same_origin() -> bool:
    """The post came from a page of this portal (browsers send Origin with a POST, else a Referer;
    the session cookie is SameSite=Lax besides, so a cross-site post carries no session at all)."""
    sent = request.headers.get("Origin") or request.headers.get("Referer")
    if not sent:
        return True
    parts = urlsplit(sent)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


def keep_entry_form_of_ended_session() -> str | None:
    """Keep the posted entry form as the draft of the timed-out session's user; the entry page's path
    (to sign in towards), or None if nothing was kept."""
    if request.method != "POST" or request.endpoint not in ENTRY_FORM_ENDPOINTS or not same_origin():
        return None
    if "version" not in request.form:  # an upload without the entry's fields carries no typed text
        return None
    user = sessions.user_of_timed_out_session(session.get("_user_id") or "", within=drafts.KEEP_FOR)
    args = request.view_args or {}
    if user is None or not isinstance(args.get("report_id"), int) or not isinstance(args.get("entry_id"), int):
        return None
    report = db.session.get(Report, args["report_id"])
    if report is None or not policy.can(user, Permission.EDIT, report):
        return None
    entry = db.session.scalar(sa.select(Entry).where(Entry.id == args["entry_id"], Entry.report_id == report.id))
    if entry is None:
        return None
    try:
        drafts.keep(user, entry, request.form.lists())
    except drafts.DraftTooLarge:
        db.session.rollback()
        return None
    db.session.commit()
    return url_for("reports.entry", report_id=report.id, entry_id=entry.id)
