"""The secretariat's desk: rounds, the progress map, exports, priority actions, the plan, the audit
trail, and who may open a compiled edition.
"""
from __future__ import annotations

from typing import Any


from ctportal.models import (Role, Round, RoundState)

from ctportal.policy.access import Permission, _user, is_party_user, is_commission, round_permissions, _load_or_404


def get_round_or_404(round_id: int, user: Any = None, permission: Permission = Permission.VIEW) -> Round:
    """The round if the user has `permission` on it: 404 if they may not see it, 403 if only see it."""
    return _load_or_404(Round, round_id, round_permissions, user, permission)


def may_see_map(user: Any) -> bool:
    """Party users (their own party's row) and the Commission side (every party) see the progress map."""
    return is_party_user(user) or is_commission(user)


def may_manage_priorities(user: Any) -> bool:
    """Commission reviewers and the secretariat add, edit and retire partners' priority actions."""
    return is_commission(user)


def may_define_indicators(user: Any) -> bool:
    """Commission reviewers and the secretariat add an indicator to an action for one round (issue 18)."""
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
