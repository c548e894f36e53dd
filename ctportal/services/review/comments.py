"""Comment threads per entry and per report: post, reply, resolve, and read what one may see.

A thread is a top-level comment and its replies (one level: a reply to a reply joins the same
thread). A reply takes its thread's visibility, so a thread is wholly shared or wholly internal
and an internal thread can never be answered into the party's view. Each comment records the
revision that was current when it was written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ctportal.domain.errors import DomainError
from ctportal import policy
from ctportal.models import Comment, Entry, Report, User, Visibility, db, utcnow


class CommentError(DomainError):
    """A comment that may not be written; the message says why."""


class CommentForbidden(CommentError):
    """The user may see the report but not write this comment (answer 403)."""

    status = 403


@dataclass
class Thread:
    root: Comment
    replies: list[Comment] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.root.resolved_at is not None


def visible_comments(user: Any, report: Report, *, entry: Entry | None = None,
                     whole_report: bool = False, shared_only: bool = False) -> list[Comment]:
    """The report's comments this user may see, oldest first.

    `entry` limits to one entry's comments; otherwise, unless `whole_report`, to the comments
    on the report as a whole (entry_id NULL).
    """
    query = sa.select(Comment).where(Comment.report_id == report.id, policy.visible_comments_clause(user))
    if shared_only:
        query = query.where(Comment.visibility == Visibility.shared)
    if entry is not None:
        query = query.where(Comment.entry_id == entry.id)
    elif not whole_report:
        query = query.where(Comment.entry_id.is_(None))
    return list(db.session.scalars(query.order_by(Comment.created_at, Comment.id)))


def threads(user: Any, report: Report, entry: Entry | None = None, *, shared_only: bool = False) -> list[Thread]:
    by_id: dict[int, Thread] = {}
    orphans = []
    for comment in visible_comments(user, report, entry=entry, shared_only=shared_only):
        if comment.parent_id is None:
            by_id[comment.id] = Thread(comment)
        else:
            orphans.append(comment)
    for reply in orphans:
        if reply.parent_id in by_id:
            by_id[reply.parent_id].replies.append(reply)
    return list(by_id.values())


def post_comment(report: Report, author: User, body: str, *, visibility: Visibility = Visibility.shared,
                 entry: Entry | None = None, parent: Comment | None = None) -> Comment:
    """Write a comment or a reply, record it in the audit trail and notify."""
    from ctportal.services import audit
    from ctportal.services.messaging import notify
    from ctportal.services.reporting import revisions

    body = (body or "").strip()
    if not body:
        raise CommentError("Write a comment before sending it.")
    if entry is not None and entry.report_id != report.id:
        raise CommentError("That entry is not part of this report.")
    if parent is not None:
        if parent.report_id != report.id or parent.entry_id != (entry.id if entry else None):
            raise CommentError("The comment you answer is not in this thread.")
        if parent.parent_id is not None:
            root = db.session.get(Comment, parent.parent_id)
            assert root is not None  # parent_id is a foreign key; comments are never deleted
            parent = root
        if not policy.may_see_comment(author, parent):
            raise CommentError("The comment you answer is not in this thread.")
        visibility = parent.visibility  # a thread is wholly shared or wholly internal
    if not policy.may_comment(author, report, visibility):
        raise CommentForbidden("Your account may not write this kind of comment on this report."
                               if policy.may_comment(author, report, Visibility.shared)
                               else "Your account may not comment on this report now.")
    latest = revisions.latest_revision(report)
    comment = Comment(report_id=report.id, entry_id=entry.id if entry else None,
                      parent_id=parent.id if parent else None, revision_id=latest.id if latest else None,
                      author_id=author.id, visibility=visibility, body=body, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    audit.record("comment.posted", comment, actor=author, party_id=report.party_id, report=report.id,
                 entry=entry.key if entry else None, visibility=visibility.value,
                 reply_to=parent.id if parent else None)
    notify.comment_posted(comment)
    return comment


def set_resolved(comment: Comment, user: User, resolved: bool) -> Comment:
    """Resolve a thread (or open it again). Replies follow their thread."""
    from ctportal.services import audit

    if comment.parent_id is not None:
        root = db.session.get(Comment, comment.parent_id)
        assert root is not None  # parent_id is a foreign key; comments are never deleted
        comment = root
    if not policy.may_resolve_comment(user, comment):
        raise CommentForbidden("Your account may not resolve comments on this report.")
    if resolved and comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by_id = utcnow(), user.id
    elif not resolved and comment.resolved_at is not None:
        comment.resolved_at, comment.resolved_by_id = None, None
    else:
        return comment
    db.session.flush()
    report = db.session.get(Report, comment.report_id)
    assert report is not None  # report_id is a non-null foreign key
    audit.record("comment.resolved" if resolved else "comment.reopened", comment, actor=user,
                 party_id=report.party_id)
    return comment


def open_threads_by_entry(user: Any, report: Report, *, shared_only: bool = False) -> dict[int, list[Thread]]:
    """Unresolved threads per entry id that the user may see (all, or the shared ones only)."""
    result: dict[int, list[Thread]] = {}
    all_comments = visible_comments(user, report, whole_report=True, shared_only=shared_only)
    roots = {c.id: Thread(c) for c in all_comments if c.parent_id is None and c.entry_id is not None}
    for c in all_comments:
        if c.parent_id in roots:
            roots[c.parent_id].replies.append(c)
    for thread in roots.values():
        entry_id = thread.root.entry_id
        assert entry_id is not None  # roots hold the threads on an entry only
        if not thread.resolved:
            result.setdefault(entry_id, []).append(thread)
    return result
