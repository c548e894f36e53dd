"""Access decisions for the work inside one partner (issue 18): institutions, assignments, sign-off.

These rules build on `report_permissions` (policy/access.py) and change none of them.

* Everything here belongs to one party and is seen only by that party's users. The Commission side,
  observers and admins never see it — not even for a submitted report: its pages answer 404 to them,
  exactly as for an object that does not exist (the reverse of the Commission's internal comments).
* The coordinator keeps the party's list of institutions, assigns entries and signs them off
  (accepts, or sends back with a note), while the report may be edited.
* The offline round trip (an institution's form downloaded, filled in, uploaded and applied) is the
  coordinator's, while the report may be edited: it saves entries as the coordinator.
* A contributor marks an entry ready when it is assigned to them or to nobody; the coordinator may
  mark any entry ready.
"""
from __future__ import annotations

import enum
from typing import Any

from flask import abort
from flask_login import current_user

from ctportal.models import EntryWork, Institution, Report, Role, db
from ctportal.policy.access import Permission, _user, report_permissions


class Work(enum.Flag):
    NONE = 0
    SEE = enum.auto()          # the board, an entry's assignment, state and partner notes
    MARK_READY = enum.auto()   # "my part is ready"
    ASSIGN = enum.auto()       # set an entry's contributor, institution and due date
    SIGN_OFF = enum.auto()     # accept, or send back with a note
    OFFLINE = enum.auto()      # download an institution's form and apply the filled one (issue 18, item 3)


def work_permissions(user: Any, report: Report) -> Work:
    """What this user may do with the partner's own work on this report."""
    u = _user(user)
    if u is None or not u.role.is_party_role or u.party_id != report.party_id:
        return Work.NONE
    perms = report_permissions(u, report)
    if Permission.VIEW not in perms:
        return Work.NONE
    work = Work.SEE
    if Permission.EDIT in perms:
        work |= Work.MARK_READY
        if u.role == Role.coordinator:
            work |= Work.ASSIGN | Work.SIGN_OFF | Work.OFFLINE
    return work


def get_work_report_or_404(report_id: int, need: Work = Work.SEE, user: Any = None) -> Report:
    """The report whose partner-internal work the user sees: 404 if they may not see it (the Commission
    included), 403 if they see it but may not do `need`."""
    user = current_user if user is None else user
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    perms = work_permissions(user, report)
    if Work.SEE not in perms:
        abort(404)
    if need not in perms:
        abort(403)
    return report


def may_mark_ready(user: Any, report: Report, work: EntryWork | None) -> bool:
    """The coordinator, or a contributor the entry is assigned to (or assigned to nobody)."""
    u = _user(user)
    if u is None or Work.MARK_READY not in work_permissions(u, report):
        return False
    return u.role == Role.coordinator or work is None or work.assignee_id in (None, u.id)


def may_manage_institutions(user: Any) -> bool:
    """A partner's coordinator keeps its list of institutions."""
    u = _user(user)
    return u is not None and u.role == Role.coordinator and u.party_id is not None


def may_see_own_priorities(user: Any) -> bool:
    """A Western Balkans partner's users read the priority actions agreed with their party (issue 15,
    item 6); the Commission keeps them on its own pages (policy.may_manage_priorities)."""
    from ctportal.models import PartyKind
    u = _user(user)
    return (u is not None and u.role.is_party_role and u.party is not None
            and u.party.kind == PartyKind.wb_partner)


def may_see_institutions(user: Any) -> bool:
    """The party's users read its list (the assignment shows an entry's institution)."""
    u = _user(user)
    return u is not None and u.role.is_party_role and u.party_id is not None


def institution_of_party_or_404(institution_id: int, user: Any = None) -> Institution:
    """An institution of the user's own party; 404 otherwise, exactly like one that does not exist."""
    u = _user(current_user if user is None else user)
    institution = db.session.get(Institution, institution_id)
    if institution is None or u is None or not u.role.is_party_role or institution.party_id != u.party_id:
        abort(404)
    return institution
