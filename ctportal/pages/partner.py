"""What the pages of the work inside a partner show (issue 18): the board, an entry's panel, "assigned to me"."""
from __future__ import annotations

from typing import Any

from ctportal.models import Entry, Report, SignOff, User
from ctportal.policy import Work, may_mark_ready, work_permissions
from ctportal.services.partner import assignments, institutions, offline
from ctportal.services.reporting import signoff

# The board's columns, in the order an entry moves through them.
BOARD_STATES = (SignOff.open, SignOff.returned, SignOff.ready, SignOff.accepted)


def board_page(report: Report, user: User) -> dict[str, Any]:
    rows = assignments.board(report)
    totals = {state: sum(len(r.cells.get(state, [])) for r in rows) for state in BOARD_STATES}
    return {"report": report, "rows": rows, "states": BOARD_STATES, "totals": totals,
            "perms": work_permissions(user, report), "Work": Work}


def entry_panel(report: Report, entry: Entry, user: User) -> dict[str, Any]:
    """The entry page's panel of the partner's own work: nothing at all for anyone outside the party."""
    perms = work_permissions(user, report)
    if Work.SEE not in perms:
        return {"work_panel": None}
    work = signoff.work_of(entry)
    state = signoff.state_of(work)
    return {"work_panel": {
        "work": work, "state": state, "notes": signoff.notes_of(entry),
        "may_ready": may_mark_ready(user, report, work) and (state, "ready") in signoff.STEPS,
        "may_sign_off": Work.SIGN_OFF in perms and state == SignOff.ready,
        "may_assign": Work.ASSIGN in perms,
        "users": assignments.assignable_users(report.party_id) if Work.ASSIGN in perms else [],
        "institutions": institutions.institutions_of(report.party_id, active_only=True) if Work.ASSIGN in perms else [],
    }}


def overview_panel(report: Report, user: User) -> dict[str, Any]:
    """The overview's "assigned to me" list (first, for a contributor) and the sign-off counts."""
    if Work.SEE not in work_permissions(user, report):
        return {"assigned_to_me": None, "signoff_counts": None}
    works = signoff.works_of(report)
    counts = {state: 0 for state in BOARD_STATES}
    for entry in report.entries:
        counts[signoff.state_of(works.get(entry.id))] += 1
    return {"assigned_to_me": assignments.assigned_to(user, report), "signoff_counts": counts}


def offline_page(report: Report, user: User) -> dict[str, Any]:
    """The institutions of the party with the entries assigned to each (the forms to download and upload, for
    the coordinator while the report may be edited), and the filled-in forms kept with the report."""
    works = signoff.works_of(report)
    rows = []
    for institution in institutions.institutions_of(report.party_id):
        assigned = [(e, works[e.id]) for e in report.entries
                    if e.id in works and works[e.id].institution_id == institution.id]
        if assigned or institution.active:
            rows.append({"institution": institution, "entries": assigned})
    return {"report": report, "rows": rows, "kept": offline.kept_files(report),
            "may_offline": Work.OFFLINE in work_permissions(user, report)}
