"""The review area: who may comment, resolve, assign a reviewer, see the assessment and a comment.
"""
from __future__ import annotations

from typing import Any


from ctportal.models import (Comment, Report, RoundState, Visibility)

from ctportal.policy.access import Permission, COMMISSION_ROLES, _user, report_permissions, can, _report_of


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
