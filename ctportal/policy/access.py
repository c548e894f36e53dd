"""Who may see and do what with a report, a round and their children, and the loaders that answer
404 for what a user may not see (exactly as for an object that does not exist).
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from ctportal.models import (Comment, Document, Entry, Report, ReportState, Role, Round, RoundState, User,
                             Visibility, db)



_T = TypeVar("_T")


class Permission(enum.Flag):
    NONE = 0
    VIEW = enum.auto()
    EDIT = enum.auto()
    SUBMIT = enum.auto()
    COMMENT = enum.auto()
    SEE_INTERNAL = enum.auto()
    REVIEW = enum.auto()
    APPROVE = enum.auto()
    REOPEN = enum.auto()
    COMPILE = enum.auto()
    DOWNLOAD = enum.auto()
    ADMINISTER = enum.auto()
    MANAGE_ROUNDS = enum.auto()
    ASSESS = enum.auto()  # write the Commission's assessment and priority actions


EDITABLE_STATES = (ReportState.draft, ReportState.changes_requested)

# The Commission side of review: reads every party's submitted report and the internal comments.
COMMISSION_ROLES = frozenset({Role.reviewer, Role.secretariat})
# The EU institutions' own staff accounts (the Commission side and the administrators): their
# second factor is mandatory.
STAFF_ROLES = COMMISSION_ROLES | {Role.admin}
# Who always signs in in two steps: the staff, and observers (outside readers of LIMITE reports).
SECOND_FACTOR_ROLES = STAFF_ROLES | {Role.observer}


def _user(user: Any) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "second_factor_pending", False):
        return None
    return cast(User, user)  # the signed-in user (Flask-Login's proxy stands for a User)


def is_party_user(user: Any) -> bool:
    u = _user(user)
    return u is not None and u.role.is_party_role


def is_commission(user: Any) -> bool:
    """Reviewers and the secretariat: the Commission side that reads every submitted report."""
    u = _user(user)
    return u is not None and u.role in COMMISSION_ROLES


def report_permissions(user: Any, report: Report) -> Permission:
    """What this user may do with this report (and its entries, documents and comments)."""
    u = _user(user)
    if u is None:
        return Permission.NONE
    rnd = report.round
    if rnd.state == RoundState.draft and u.role != Role.secretariat:
        return Permission.NONE
    round_open = rnd.state == RoundState.open
    perms = Permission.NONE
    if u.role.is_party_role:
        if u.party_id != report.party_id:
            return Permission.NONE
        perms |= Permission.VIEW | Permission.DOWNLOAD
        if round_open:
            perms |= Permission.COMMENT
            if report.state in EDITABLE_STATES:
                perms |= Permission.EDIT
                if u.role in (Role.coordinator, Role.eu_reporter):
                    perms |= Permission.SUBMIT
        return perms
    if u.role in COMMISSION_ROLES:
        if report.state == ReportState.draft and not report.revisions:
            return Permission.NONE
        perms |= Permission.VIEW | Permission.DOWNLOAD | Permission.SEE_INTERNAL
        if u.role == Role.reviewer and round_open:
            perms |= Permission.COMMENT | Permission.ASSESS
            if report.state == ReportState.submitted:
                perms |= Permission.REVIEW
                if u.party_id is None or u.party_id != report.party_id:
                    perms |= Permission.APPROVE
            if report.state == ReportState.approved:
                perms |= Permission.REOPEN
        return perms
    return Permission.NONE


def can(user: Any, permission: Permission, obj: Any) -> bool:
    """May `user` do `permission` to `obj`? Objects are checked through the report they belong to."""
    if isinstance(obj, Report):
        return permission in report_permissions(user, obj)
    if isinstance(obj, Comment):
        if obj.visibility == Visibility.internal and Permission.SEE_INTERNAL not in report_permissions(
                user, _report_of(obj)):
            return False
        return permission in report_permissions(user, _report_of(obj))
    if isinstance(obj, Document):
        return permission in report_permissions(user, _report_of(obj))
    if isinstance(obj, Round):
        return permission in round_permissions(user, obj)
    return False


def round_permissions(user: Any, rnd: Round) -> Permission:
    u = _user(user)
    if u is None:
        return Permission.NONE
    if u.role == Role.secretariat:
        perms = Permission.VIEW | Permission.MANAGE_ROUNDS | Permission.DOWNLOAD
        if rnd.state != RoundState.draft:
            perms |= Permission.COMPILE
        return perms
    if rnd.state == RoundState.draft:
        return Permission.NONE
    if u.role in (Role.reviewer,) or u.role.is_party_role:
        return Permission.VIEW
    return Permission.NONE


def two_factor_mandatory(user: User) -> bool:
    """Staff and observers always sign in with a second factor; party users when their party requires it.

    Asked of the account itself (during sign-in the second factor is still pending)."""
    return user.role in SECOND_FACTOR_ROLES or bool(user.party and user.party.require_2fa)


def needs_second_factor(user: User) -> bool:
    """Whether this sign-in must pass the second step: mandatory, or the user turned it on."""
    return two_factor_mandatory(user) or bool(user.totp_enabled)


def may_administer(user: Any) -> bool:
    u = _user(user)
    return u is not None and u.role == Role.admin


def may_manage_rounds(user: Any) -> bool:
    u = _user(user)
    return u is not None and u.role == Role.secretariat


def _report_of(obj: Any) -> Report:
    report: Report | None = (obj.report if getattr(obj, "report", None) is not None
                             else db.session.get(Report, obj.report_id))
    assert report is not None  # report_id is a non-null foreign key: the report exists
    return report


# --- queries ------------------------------------------------------------------------------------

def visible_reports_clause(user: Any) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting reports to those the user may open (list pages, counts, searches)."""
    u = _user(user)
    if u is None:
        return sa.false()
    not_draft_round = Report.round_id.in_(sa.select(Round.id).where(Round.state != RoundState.draft))
    if u.role.is_party_role:
        return sa.and_(Report.party_id == u.party_id, not_draft_round)
    if u.role in COMMISSION_ROLES:
        from ctportal.models import Revision
        has_revision = sa.exists(sa.select(Revision.id).where(Revision.report_id == Report.id))
        clause = sa.or_(Report.state != ReportState.draft, has_revision)
        return clause if u.role == Role.secretariat else sa.and_(clause, not_draft_round)
    return sa.false()


def visible_comments_clause(user: Any) -> sa.ColumnElement[bool]:
    """Comments of visible reports; internal ones only for the Commission side."""
    clause: sa.ColumnElement[bool] = Comment.report_id.in_(sa.select(Report.id).where(visible_reports_clause(user)))
    if not is_commission(user):
        clause = sa.and_(clause, Comment.visibility == Visibility.shared)
    return clause


def get_report_or_404(report_id: int, user: Any = None, permission: Permission = Permission.VIEW) -> Report:
    """The report if the user has `permission` on it.

    404 if the user may not even see it (exactly like a report that does not exist);
    403 if they may see it but not do this.
    """
    return _load_or_404(Report, report_id, report_permissions, user, permission)


def _load_or_404(model: type[_T], object_id: int, permissions_of: Callable[[Any, _T], Permission], user: Any,
                 permission: Permission) -> _T:
    """The object if the user has `permission` on it: 404 if it does not exist or the user may
    not see it (the two answers are the same), 403 if they may see it but not do this."""
    user = current_user if user is None else user
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    perms = permissions_of(user, obj)
    if Permission.VIEW not in perms:
        abort(404)
    if permission not in perms:
        abort(403)
    return obj


# Children load through their report: the caller has already passed get_report_or_404 for the report,
# and an id of another report's child answers 404, exactly like one that does not exist.

def entry_of_report_or_404(report: Report, entry_id: int) -> Entry:
    """An entry of this report; 404 otherwise."""
    entry = db.session.scalar(sa.select(Entry).where(Entry.id == entry_id, Entry.report_id == report.id))
    if entry is None:
        abort(404)
    return entry


def document_of_report_or_404(report: Report, document_id: int) -> Document:
    """A document of this report that has not been deleted (the current version or an earlier one); 404
    otherwise."""
    doc = db.session.scalar(sa.select(Document).where(
        Document.id == document_id, Document.report_id == report.id, Document.deleted_at.is_(None)))
    if doc is None:
        abort(404)
    if doc.partner_internal:  # the partner's own file (an offline form): its party's users only
        u = _user(current_user)
        if u is None or not u.role.is_party_role or u.party_id != report.party_id:
            abort(404)
    return doc


def comment_of_report_or_404(report: Report, comment_id: int, user: Any = None) -> Comment:
    """A comment of this report that the user may see (internal ones only for the Commission); 404 otherwise."""
    user = current_user if user is None else user
    comment = db.session.scalar(sa.select(Comment).where(Comment.id == comment_id, Comment.report_id == report.id))
    if comment is None or not may_see_comment(user, comment):
        abort(404)
    return comment


def may_see_comment(user: Any, comment: Comment) -> bool:
    """Used before any comment text leaves the portal (notifications, mail)."""
    return can(user, Permission.VIEW, comment)
