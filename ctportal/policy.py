"""Every access decision in one place.

Views, templates and queries ask this module; nothing else decides who may see or do what.
The rules (DESIGN.md, "Who may see what"):

* Party users (contributors, coordinators, EU reporters) see only their own party's reports,
  documents and shared comments, and only in rounds that are open or closed (not in preparation).
  They never see internal comments.
* Commission reviewers and the secretariat see every party's reports once submitted; a draft
  only as a progress count. They see internal comments.
* Admins manage accounts, parties and the catalogue; they see no report content.
* An object the user may not see answers 404, exactly like one that does not exist.
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
    return doc


def comment_of_report_or_404(report: Report, comment_id: int, user: Any = None) -> Comment:
    """A comment of this report that the user may see (internal ones only for the Commission); 404 otherwise."""
    user = current_user if user is None else user
    comment = db.session.scalar(sa.select(Comment).where(Comment.id == comment_id, Comment.report_id == report.id))
    if comment is None or not may_see_comment(user, comment):
        abort(404)
    return comment


# --- review, comments and notifications (review area) ------------------------------------------

def may_comment(user: Any, report: Report, visibility: Visibility) -> bool:
    """May the user write a comment of this visibility on the report?

    Anyone with COMMENT may write a shared comment; an internal one needs SEE_INTERNAL too,
    so a party user can never write (and so never read back) an internal comment.
    """
    perms = report_permissions(user, report)
    if Permission.COMMENT not in perms:
        return False
    return visibility == Visibility.shared or Permission.SEE_INTERNAL in perms


def may_resolve_comment(user: Any, comment: Comment) -> bool:
    """Reviewers resolve (and reopen) threads they may see, while they may comment on the report."""
    report = _report_of(comment)
    perms = report_permissions(user, report)
    return (Permission.COMMENT in perms and Permission.SEE_INTERNAL in perms
            and can(user, Permission.VIEW, comment))


def may_assign_reviewer(user: Any, report: Report) -> bool:
    """Reviewers and the secretariat assign a reviewer to a report they see, while its round is open."""
    u = _user(user)
    return (u is not None and u.role in COMMISSION_ROLES
            and Permission.VIEW in report_permissions(u, report) and report.round.state == RoundState.open)


def may_see_assessment(user: Any, report: Report) -> bool:
    """The Commission's assessment and its note are the Commission's own: parties see only verdicts."""
    return Permission.SEE_INTERNAL in report_permissions(user, report)


def may_see_comment(user: Any, comment: Comment) -> bool:
    """Used before any comment text leaves the portal (notifications, mail)."""
    return can(user, Permission.VIEW, comment)


# --- the secretariat's desk (rounds, map, exports, priority actions, plan, audit) ---------------------

def get_round_or_404(round_id: int, user: Any = None, permission: Permission = Permission.VIEW) -> Round:
    """The round if the user has `permission` on it: 404 if they may not see it, 403 if only see it."""
    return _load_or_404(Round, round_id, round_permissions, user, permission)


def may_see_map(user: Any) -> bool:
    """Party users (their own party's row) and the Commission side (every party) see the progress map."""
    return is_party_user(user) or is_commission(user)


def may_manage_priorities(user: Any) -> bool:
    """Commission reviewers and the secretariat add, edit and retire partners' priority actions."""
    return is_commission(user)


def may_see_audit(user: Any) -> bool:
    """The secretariat and admins search and export the audit trail."""
    u = _user(user)
    return u is not None and u.role in (Role.secretariat, Role.admin)


def may_read_audit_content(user: Any) -> bool:
    """Whether the audit trail shows this user what events say of report content (document names,
    reasons, changes). Not the administrator, who reads no report content (docs/security.md)."""
    u = _user(user)
    return u is not None and u.role == Role.secretariat


def may_export_round(user: Any, rnd: Round) -> bool:
    """Anyone who sees the round on the map may export what they see of it (party users: their own)."""
    return Permission.VIEW in round_permissions(user, rnd) and (is_commission(user) or is_party_user(user))


def compiled_permissions(user: Any, rnd: Round) -> Permission:
    """The consolidated PDF of a round.

    Its editions hold every party's approved report, so only the Commission side sees them:
    reviewers read and download editions of open and closed rounds; the secretariat also
    compiles (COMPILE from round_permissions). Party users and admins see nothing (404).
    """
    u = _user(user)
    if u is None:
        return Permission.NONE
    if u.role == Role.secretariat:
        return Permission.VIEW | Permission.DOWNLOAD | (round_permissions(u, rnd) & Permission.COMPILE)
    if u.role == Role.reviewer and rnd.state != RoundState.draft:
        return Permission.VIEW | Permission.DOWNLOAD
    return Permission.NONE


# --- the Commission's texts of a round (issue 15) ---------------------------------------------------
# Introduction, objective and party assessments, recommendations, conclusions: written and approved
# by reviewers and the secretariat, internal to the Commission until a final edition carries them.

def is_final_edition(rnd: Round, edition: Any) -> bool:
    """An edition is final once its round is closed, it is done and nothing superseded it."""
    from ctportal.models import CompileState
    return (rnd.state == RoundState.closed and edition.state == CompileState.done
            and edition.superseded_at is None)


def commission_text_permissions(user: Any, rnd: Round) -> Permission:
    """The texts of a round, as the Commission works on them: reviewers and the secretariat read
    them (VIEW), write them and approve them (ASSESS, APPROVE) while the round is not closed.
    Nobody else sees the pages at all (404): a party reads a text only through
    may_read_commission_text, once it is final."""
    u = _user(user)
    if u is None or u.role not in COMMISSION_ROLES or Permission.VIEW not in round_permissions(u, rnd):
        return Permission.NONE
    perms = Permission.VIEW
    if rnd.state != RoundState.closed:
        perms |= Permission.ASSESS | Permission.APPROVE
    return perms


def get_text_round_or_404(round_id: int, user: Any = None, permission: Permission = Permission.VIEW) -> Round:
    """The round whose texts the user works on: 404 if they may not see them, 403 if only see them."""
    return _load_or_404(Round, round_id, commission_text_permissions, user, permission)


def may_approve_commission_text(user: Any, text: Any) -> bool:
    """Four eyes: the text is approved by someone of the Commission other than its last writer."""
    u = _user(user)
    return u is not None and u.id != text.written_by_id


def may_read_commission_text(user: Any, text: Any) -> bool:
    """The Commission always; anyone else (a party, an observer) only an approved text that a final
    edition carries as it stands — and of the party assessments only their own party's."""
    u = _user(user)
    if u is None:
        return False
    rnd = db.session.get(Round, text.round_id)
    if rnd is None:
        return False
    if Permission.VIEW in commission_text_permissions(u, rnd):
        return True
    from ctportal.models import TextKind, TextState
    if text.state != TextState.approved or not (u.role.is_party_role or u.role == Role.observer):
        return False
    if text.kind == TextKind.party and u.party_id != text.party_id:
        return False
    return is_published_text(rnd, text)


def is_published_text(rnd: Round, text: Any) -> bool:
    """A text a final edition carries as it stands: what a party may read of it, and the only
    recommendations that become follow-up items in its next report."""
    from ctportal.models import CompiledReport, CompiledReportText
    carried = db.session.scalars(sa.select(CompiledReport).join(
        CompiledReportText, CompiledReportText.compiled_report_id == CompiledReport.id).where(
        CompiledReportText.text_id == text.id, CompiledReportText.version == text.version))
    return any(is_final_edition(rnd, edition) for edition in carried)


# --- the JSON API and observers (branch api) ---------------------------------------------------------
# The API (ctportal/api/) asks the functions above with the token's owner as the user; these
# are the few questions only the API asks.

def may_read_catalogue(user: Any) -> bool:
    """The plan is a public Council document: every signed-in account reads its catalogue."""
    return _user(user) is not None


# Observers (Member-State delegations, the EEAS, the Council secretariat) read, through the API
# only, what a party has agreed to share: for each round, the approved revision, the progress map
# built from it and the final editions — only of the parties they are bound to, and only once that
# party's coordinator has given consent for the round. Never drafts, comments, assessments or other
# parties. They hold no Permission on reports (report_permissions gives them NONE), so every page
# stays closed to them; the API asks the functions below.

def is_observer(user: Any) -> bool:
    u = _user(user)
    return u is not None and u.role == Role.observer


def may_manage_consent(user: Any) -> bool:
    """A party's coordinator (for the EU side, its reporter) gives and withdraws the consent."""
    u = _user(user)
    return u is not None and u.role in (Role.coordinator, Role.eu_reporter)


def observed_party_ids(user: Any, round_id: int) -> set[int]:
    """The parties bound to this observer whose consent for the round stands."""
    if not is_observer(user):
        return set()
    return set(db.session.scalars(_observed_parties(user, round_id)))


def _observed_parties(user: Any, round_id: Any) -> sa.Select[int]:
    from ctportal.models import ObserverConsent, ObserverParty
    return (sa.select(ObserverParty.party_id)
            .join(ObserverConsent, sa.and_(ObserverConsent.party_id == ObserverParty.party_id,
                                           ObserverConsent.round_id == round_id,
                                           ObserverConsent.withdrawn_at.is_(None)))
            .where(ObserverParty.user_id == user.id))


def may_observe_report(user: Any, report: Report) -> bool:
    """An observer reads an approved report of a consenting party bound to it (its approved revision)."""
    return (is_observer(user) and report.state == ReportState.approved and report.approved_revision_id is not None
            and report.round.state != RoundState.draft
            and report.party_id in observed_party_ids(user, report.round_id))


def observed_reports_clause(user: Any) -> sa.ColumnElement[bool]:
    """The SQL form of may_observe_report, for lists."""
    if not is_observer(user):
        return sa.false()
    not_draft_round = Report.round_id.in_(sa.select(Round.id).where(Round.state != RoundState.draft))
    return sa.and_(Report.state == ReportState.approved, Report.approved_revision_id.is_not(None), not_draft_round,
                   Report.party_id.in_(_observed_parties(user, Report.round_id)))


def readable_reports_clause(user: Any) -> sa.ColumnElement[bool]:
    """Reports the API lists: those the user sees on the pages, or observes."""
    return sa.or_(visible_reports_clause(user), observed_reports_clause(user))


def get_readable_report_or_404(report_id: int, user: Any) -> Report:
    """A report the user sees (VIEW) or observes; 404 otherwise, exactly like a missing one."""
    report = db.session.get(Report, report_id)
    if report is None or not (Permission.VIEW in report_permissions(user, report)
                              or may_observe_report(user, report)):
        abort(404)
    return report


def may_read_round(user: Any, rnd: Round) -> bool:
    """A round the user sees, or (observers) one in which a party bound to them consents."""
    return (Permission.VIEW in round_permissions(user, rnd)
            or (rnd.state != RoundState.draft and bool(observed_party_ids(user, rnd.id))))


def get_readable_round_or_404(round_id: int, user: Any) -> Round:
    rnd = db.session.get(Round, round_id)
    if rnd is None or not may_read_round(user, rnd):
        abort(404)
    return rnd


def may_read_edition(user: Any, rnd: Round, edition: Any) -> bool:
    """An edition's metadata and PDF: the Commission side as on the pages (compiled_permissions);
    an observer only a final one — the round closed, the edition done and not superseded — and
    only if every report in it is of a party that consents and is bound to the observer."""
    if Permission.VIEW in compiled_permissions(user, rnd):
        return True
    if not is_observer(user) or not is_final_edition(rnd, edition) or not edition.revisions:
        return False
    observed = observed_party_ids(user, rnd.id)
    return all(revision.report.party_id in observed for revision in edition.revisions)
