"""A report's whole history on one page: revisions, transitions, comments, reviews, downloads.

Built for one reader: a party user sees shared comments only, its own party's downloads, and
none of the Commission's own working steps (verdict changes, assessments, assignments). The titles are
in the reader's language (the page is the only reader); what people wrote stays as written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from ctportal import policy
from ctportal.models import AuditEvent, Comment, Document, Report, ReportEvent, Revision, User, db
from ctportal.policy import Permission

COMMISSION_AUDIT = ("entry.reviewed", "entry.accepted_all", "report.reviewer_assigned")


@dataclass
class Item:
    at: dt.datetime
    kind: str            # revision | transition | comment | review | download
    title: str
    actor: str = ""
    text: str = ""
    internal: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def _name(user_id: int | None, cache: dict[int, str]) -> str:
    if user_id is None:
        return ""
    if user_id not in cache:
        user = db.session.get(User, user_id)
        cache[user_id] = user.name if user else "(deleted account)"
    return cache[user_id]


def history(user: Any, report: Report) -> list[Item]:
    """Everything that happened to the report that this user may know, newest first."""
    names: dict[int, str] = {}
    commission = Permission.SEE_INTERNAL in policy.report_permissions(user, report)
    items: list[Item] = []
    for revision in db.session.scalars(sa.select(Revision).where(Revision.report_id == report.id)):
        items.append(Item(revision.created_at, "revision", _("Revision %(number)s frozen", number=revision.number),
                          _name(revision.submitted_by_id, names),
                          details={"sha256": revision.snapshot_sha256,
                                   "entries": len(revision.snapshot.get("entries", []))}))
    revision_numbers: dict[int | None, int] = dict(db.session.execute(
        sa.select(Revision.id, Revision.number).where(Revision.report_id == report.id)).all())
    for event in db.session.scalars(sa.select(ReportEvent).where(ReportEvent.report_id == report.id)):
        title = {"submit": _("Submitted"), "request_changes": _("Changes requested"), "approve": _("Approved"),
                 "reopen": _("Reopened")}.get(event.action, event.action)
        items.append(Item(event.created_at, "transition", title, _name(event.actor_id, names), event.reason,
                          details={"from": event.from_state.title, "to": event.to_state.title,
                                   "revision": revision_numbers.get(event.revision_id)}))
    comments = db.session.scalars(
        sa.select(Comment).where(Comment.report_id == report.id, Comment.is_system.is_(False),
                                 policy.visible_comments_clause(user)))
    entry_keys = {e.id: e.key for e in report.entries}
    for comment in comments:
        items.append(Item(comment.created_at, "comment", _comment_title(comment, entry_keys),
                          _name(comment.author_id, names), comment.body,
                          internal=comment.visibility.value == "internal",
                          details={"revision": revision_numbers.get(comment.revision_id),
                                   "resolved": comment.resolved_at is not None}))
    doc_ids = list(db.session.scalars(sa.select(Document.id).where(Document.report_id == report.id)))
    about_report = sa.or_(
        sa.and_(AuditEvent.object_type == "report", AuditEvent.object_id == report.id),
        sa.and_(AuditEvent.object_type == "document", AuditEvent.object_id.in_(doc_ids or [-1])))
    downloads = sa.select(AuditEvent).where(about_report, AuditEvent.action.like("%download%"))
    if not commission:
        downloads = downloads.where(AuditEvent.party_id == report.party_id,
                                    AuditEvent.actor_id.in_(sa.select(User.id).where(User.party_id == report.party_id)))
    for download in db.session.scalars(downloads):
        what = _download_title(download)
        items.append(Item(download.created_at, "download", _("Downloaded: %(what)s", what=what),
                          _name(download.actor_id, names) or download.actor_email))
    if commission:
        for audited in db.session.scalars(sa.select(AuditEvent).where(
                AuditEvent.object_type == "report", AuditEvent.object_id == report.id,
                AuditEvent.action.in_(COMMISSION_AUDIT))):
            items.append(Item(audited.created_at, "review", _review_title(audited), _name(audited.actor_id, names),
                              internal=True))
    items.sort(key=lambda i: (i.at, _ORDER.get(i.kind, 9)), reverse=True)
    return items


_ORDER = {"revision": 0, "transition": 1, "review": 2, "comment": 3, "download": 4}


def _comment_title(comment: Comment, entry_keys: dict[int, str]) -> str:
    if comment.entry_id:
        key = entry_keys.get(comment.entry_id, "?")
        return str(_("Reply on entry %(key)s", key=key) if comment.parent_id
                   else _("Comment on entry %(key)s", key=key))
    return str(_("Reply on the report") if comment.parent_id else _("Comment on the report"))


def _download_title(event: AuditEvent) -> str:
    d = event.detail
    if d.get("name"):
        return str(d["name"])
    if event.action == "report.pdf_download":
        return str(_("PDF of revision %(number)s", number=d.get("revision", "?")))
    if event.action.startswith("export."):
        return str(_("export (%(format)s)", format=d.get("format", "file")))
    return event.object_type or event.action


def _review_title(event: AuditEvent) -> str:
    d = event.detail
    if event.action == "entry.reviewed":
        parts = [p for p in (d.get("verdict"), d.get("assessment")) if p]
        return str(_("Entry %(key)s reviewed: %(what)s", key=d.get("entry"),
                     what=", ".join(p.replace("_", " ") for p in parts) or _("cleared")))
    if event.action == "entry.accepted_all":
        count = len(d.get("entries", []))
        return str(ngettext("%(num)d remaining entry accepted at once", "%(num)d remaining entries accepted at once",
                            count))
    if event.action == "report.reviewer_assigned":
        return str(_("Reviewer assigned: %(name)s", name=d.get("reviewer") or _("nobody")))
    return event.action
