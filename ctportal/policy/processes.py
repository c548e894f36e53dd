"""The follow-up processes of the plan, as recorded (issue 15, item 5): dialogues and visits,
peer-review missions, Regional Network and WBCTi meetings.

Reviewers and the secretariat record them and read everything of a record. A party's users read the
records that concern their party (the Commission listed it among the parties), in a round they may
see — and of a record only what services/review/processes.party_view gives them: the kind, title,
dates, place, outcome summary, the plan's action codes and the published recommendations addressed to
their own party; the report document only if the Commission shared it. Never the participants, the
internal notes or the other parties concerned. Everyone else: 404, as for a missing record.
"""
from __future__ import annotations

from typing import Any

from ctportal.models import ProcessRecord, Round, RoundState

from ctportal.policy.access import COMMISSION_ROLES, Permission, _load_or_404, _user, round_permissions


def may_record_processes(user: Any, rnd: Round) -> bool:
    """Reviewers and the secretariat record a round's processes while it is not closed (a closed
    round's edition is final: what its annex printed stays as it was)."""
    u = _user(user)
    return (u is not None and u.role in COMMISSION_ROLES and Permission.VIEW in round_permissions(u, rnd)
            and rnd.state != RoundState.closed)


def may_list_processes(user: Any) -> bool:
    """Who has the list of processes: the Commission (every record) and a party's users (their own)."""
    u = _user(user)
    return u is not None and (u.role in COMMISSION_ROLES or (u.role.is_party_role and u.party_id is not None))


def process_permissions(user: Any, process: ProcessRecord) -> Permission:
    """VIEW (and DOWNLOAD of the report) for the Commission, EDIT while the round is not closed; VIEW
    for a party concerned (DOWNLOAD only of a report the Commission shared); nothing for anyone else."""
    u = _user(user)
    if u is None:
        return Permission.NONE
    rnd = process.round
    if Permission.VIEW not in round_permissions(u, rnd):
        return Permission.NONE
    if u.role in COMMISSION_ROLES:
        perms = Permission.VIEW | Permission.DOWNLOAD
        if rnd.state != RoundState.closed:
            perms |= Permission.EDIT
        return perms
    if u.role.is_party_role and u.party_id is not None and any(p.id == u.party_id for p in process.parties):
        return Permission.VIEW | (Permission.DOWNLOAD if process.report_shared else Permission.NONE)
    return Permission.NONE


def sees_internal_of_process(user: Any) -> bool:
    """Participants, internal notes, every party and recommendation: the Commission's only."""
    u = _user(user)
    return u is not None and u.role in COMMISSION_ROLES


def get_process_or_404(process_id: int, user: Any = None, permission: Permission = Permission.VIEW) -> ProcessRecord:
    return _load_or_404(ProcessRecord, process_id, process_permissions, user, permission)
