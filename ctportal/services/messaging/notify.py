"""Notifications: a row in the portal's own list and an email, for each person concerned.

Both are written in the transaction of the change that caused them: if that change rolls
back, nobody hears of it; the email leaves after the commit (services/mail.py).

Who hears what:
* submit / resubmit        -> the assigned reviewer, or every reviewer when none is assigned;
* changes requested, approval, reopening -> the party's own users (coordinators and contributors,
  or EU reporters), and for a reopening also the assigned reviewer and the one who had approved;
* a comment               -> the other side (a shared comment) or the Commission only (an internal
  one), plus everyone who wrote in the same thread and may see it;
* a mention (@ + the part of an email address before the "@", e.g. "@reviewer2" or
  "@coordinator.al")      -> the person mentioned, if they may see the comment.
Nobody is told about their own action. Every recipient of a comment's text is checked with
policy.may_see_comment first: an internal comment never reaches a party user.
"""
from __future__ import annotations

import re
from typing import Any
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import LazyString, lazy_gettext

from ctportal import policy
from ctportal.models import (Comment, EntryReview, Notification, Report, ReportEvent, Role, User,
                             Verdict, Visibility, db)
from ctportal.domain.parties import local_name
from ctportal.services.messaging.language import written_for

MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9](?:[A-Za-z0-9._+-]*[A-Za-z0-9])?)")
EXCERPT = 600


# --- recipients -----------------------------------------------------------------------------------

def party_users(report: Report) -> list[User]:
    """The people who report for the report's party."""
    return list(db.session.scalars(
        sa.select(User).where(User.party_id == report.party_id, User.active.is_(True),
                              User.role.in_([Role.coordinator, Role.contributor, Role.eu_reporter]))
        .order_by(User.id)))


def all_reviewers() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.reviewer, User.active.is_(True)).order_by(User.id)))


def reviewers_for(report: Report) -> list[User]:
    """The assigned reviewer if there is one (and active), else every reviewer."""
    if report.assigned_reviewer_id:
        assigned = db.session.get(User, report.assigned_reviewer_id)
        if assigned is not None and assigned.active:
            return [assigned]
    return all_reviewers()


def mentioned_users(body: str) -> list[User]:
    """Users named in a text as @local-part of their email address (case-insensitive)."""
    names = {m.lower() for m in MENTION.findall(body or "")}
    if not names:
        return []
    found: list[User] = []
    for name in sorted(names):
        found.extend(db.session.scalars(
            sa.select(User).where(sa.func.lower(User.email).like(f"{_escape_like(name)}@%", escape="\\"),
                                  User.active.is_(True))))
    return found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- links ------------------------------------------------------------------------------------------

def path_for(endpoint: str, **values: Any) -> str:
    """A site-relative URL, inside a request or not (the CLI's reminders)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def absolute(path: str) -> str:
    base: str = current_app.config["BASE_URL"]
    return base.rstrip("/") + path


def report_label(report: Report) -> LazyString:
    """"Kosovo* — Progress report 2026", made in the language it is printed in (each mail's recipient's)."""
    return LazyString(lambda: f"{local_name(report.party)} — {report.round.title}")


# --- sending ----------------------------------------------------------------------------------------

def send(users: Iterable[User | None], kind: str, subject: str | LazyString, template: str, *, link: str = "",
         exclude: Any = None, **context: Any) -> list[User]:
    """One in-portal notification and one email per distinct active user, except `exclude`."""
    from ctportal.services.messaging.mail import send_mail

    seen: dict[int, User] = {}
    for user in users:
        if user is None or not user.active or user.id in seen:
            continue
        if exclude is not None and user.id == getattr(exclude, "id", exclude):
            continue  # never bother people about their own actions
        seen[user.id] = user
    for user in seen.values():
        # Rendered from the environment directly: a mail body depends on nothing of the request
        # (reminders are sent from the command line), and .txt templates are not HTML-escaped.
        # In the recipient's language: `subject` and `label` are lazy strings, made in it here.
        with written_for(user):
            body = current_app.jinja_env.get_template(f"mail/{template}").render(
                recipient=user, link=absolute(link) if link else "", **context).strip() + "\n"
            # One line: a title with a line break must not reach a mail header.
            line = " ".join(str(subject).split())
        db.session.add(Notification(user_id=user.id, kind=kind, subject=line[:300], body=body,
                                    link=link[:500]))
        send_mail([user.email], line, body)
    db.session.flush()
    return list(seen.values())


def report_transitioned(report: Report, event: ReportEvent) -> None:
    """Tell the people concerned that a report changed state: who did what, in the subject too."""
    actor = db.session.get(User, event.actor_id)
    label = report_label(report)
    by = _name_of(actor)
    common = dict(report=report, event=event, actor=actor, label=label)
    if event.action == "submit":
        resubmitted = event.from_state.value == "changes_requested"
        send(reviewers_for(report), "resubmitted" if resubmitted else "submitted",
             (lazy_gettext("%(actor)s resubmitted for review: %(label)s", actor=by, label=label) if resubmitted
              else lazy_gettext("%(actor)s submitted for review: %(label)s", actor=by, label=label)),
             "review_submitted.txt",
             link=path_for("review.report", report_id=report.id), exclude=actor,
             resubmitted=resubmitted, **common)
    elif event.action == "request_changes":
        send(party_users(report), "changes_requested",
             lazy_gettext("%(actor)s requested changes: %(label)s", actor=by, label=label),
             "review_changes_requested.txt", link=path_for("comments.feedback", report_id=report.id),
             exclude=actor, entries=entries_needing_revision(report, event.revision_id), **common)
    elif event.action == "approve":
        send(party_users(report), "approved", lazy_gettext("%(actor)s approved: %(label)s", actor=by, label=label),
             "review_approved.txt", link=path_for("timeline.report", report_id=report.id), exclude=actor, **common)
    elif event.action == "reopen":
        previous_approver = db.session.scalar(
            sa.select(ReportEvent.actor_id).where(ReportEvent.report_id == report.id,
                                                  ReportEvent.action == "approve")
            .order_by(ReportEvent.id.desc()).limit(1))
        commission = [db.session.get(User, uid) for uid in {previous_approver, report.assigned_reviewer_id}
                      if uid is not None]
        subject = lazy_gettext("%(actor)s reopened: %(label)s", actor=by, label=label)
        send(party_users(report), "reopened", subject, "review_reopened.txt",
             link=path_for("comments.feedback", report_id=report.id), exclude=actor, **common)
        send(commission, "reopened", subject, "review_reopened.txt",
             link=path_for("review.report", report_id=report.id), exclude=actor, **common)


def priority_added(report: Report, entry: Any, actor: User | None) -> None:
    """A priority agreed mid-round reached the party's open report: its people hear of it at once."""
    label = report_label(report)
    by = _name_of(actor)
    code = entry.action.code
    send(party_users(report), "priority_added",
         lazy_gettext("New priority action on %(code)s: %(label)s", code=code, label=label),
         "priority_added.txt", link=path_for("reports.entry", report_id=report.id, entry_id=entry.id),
         exclude=actor, actor_name=by, code=code, label=label, text=entry.priority_action.text)


def _name_of(user: User | None) -> str | LazyString:
    """Who did it, for a subject line; "Someone" for an account since deleted."""
    return user.name if user is not None else lazy_gettext("Someone")


def entries_needing_revision(report: Report, revision_id: int | None) -> list[str]:
    if revision_id is None:
        return []
    return list(db.session.scalars(
        sa.select(EntryReview.entry_key).where(EntryReview.revision_id == revision_id,
                                               EntryReview.verdict == Verdict.needs_revision)
        .order_by(EntryReview.entry_key)))


def comment_posted(comment: Comment) -> None:
    """Tell the other side (or, for an internal comment, the Commission), thread and mentions."""
    report = db.session.get(Report, comment.report_id)
    assert report is not None  # report_id is a non-null foreign key
    author = db.session.get(User, comment.author_id) if comment.author_id else None
    root_id = comment.parent_id or comment.id
    thread_authors = list(db.session.scalars(
        sa.select(User).join(Comment, Comment.author_id == User.id)
        .where(sa.or_(Comment.id == root_id, Comment.parent_id == root_id), Comment.is_system.is_(False))))
    if comment.visibility == Visibility.internal or (author is not None and policy.is_commission(author)):
        other_side = reviewers_for(report) if comment.visibility == Visibility.internal else party_users(report)
    else:
        other_side = reviewers_for(report)
    mentioned = [u for u in mentioned_users(comment.body) if policy.may_see_comment(u, comment)]
    mentioned_ids = {u.id for u in mentioned}
    readers = [u for u in other_side + thread_authors
               if u.id not in mentioned_ids and policy.may_see_comment(u, comment)]
    link = comment_link(comment)
    label = report_label(report)
    entry_key = _entry_key(comment)
    context = dict(comment=comment, author=author, label=label, report=report,
                   excerpt=_excerpt(comment.body), entry_key=entry_key)
    send(readers, "comment", _comment_subject(comment, author, entry_key, label), "review_comment.txt", link=link,
         exclude=author, **context)
    by = _name_of(author)
    mention = (lazy_gettext("%(author)s mentioned you on action %(key)s: %(label)s", author=by, key=entry_key,
                            label=label) if entry_key
               else lazy_gettext("%(author)s mentioned you: %(label)s", author=by, label=label))
    send(mentioned, "mention", mention, "review_mention.txt", link=link, exclude=author, **context)


def _comment_subject(comment: Comment, author: User | None, entry_key: str, label: LazyString) -> LazyString:
    """"Ana Reviewer commented on action 1.3: Albania — Progress report 2026": who, on what, where."""
    by = _name_of(author)
    if entry_key:
        if comment.parent_id:
            return lazy_gettext("%(author)s replied on action %(key)s: %(label)s", author=by, key=entry_key,
                                label=label)
        return lazy_gettext("%(author)s commented on action %(key)s: %(label)s", author=by, key=entry_key,
                            label=label)
    if comment.parent_id:
        return lazy_gettext("%(author)s replied on the report: %(label)s", author=by, label=label)
    return lazy_gettext("%(author)s commented on the report: %(label)s", author=by, label=label)


def comment_link(comment: Comment) -> str:
    anchor = f"#comment-{comment.parent_id or comment.id}"
    if comment.entry_id:
        return path_for("comments.entry_thread", report_id=comment.report_id, entry_id=comment.entry_id) + anchor
    return path_for("comments.report_thread", report_id=comment.report_id) + anchor


def _entry_key(comment: Comment) -> str:
    if not comment.entry_id:
        return ""
    from ctportal.models import Entry
    entry = db.session.get(Entry, comment.entry_id)
    return entry.key if entry else ""


def _excerpt(text: str) -> str:
    text = (text or "").strip()
    return text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + " …"


def unread_count(user: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
