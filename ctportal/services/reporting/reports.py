"""Creating reports and their entries from the round's catalogue."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext

from ctportal.domain import actors
from ctportal.models import (Action, ActorGroup, Entry, EntryKind, Objective, Party, PartyKind,
                             PriorityAction, Report, Round, User, db)
from ctportal.services.reporting import entries, figures, follow_ups, previous, signoff

_GROUP_ORDER = {g: i for i, g in enumerate(ActorGroup)}


def actions_for_party(rnd: Round, party: Party) -> list[tuple[EntryKind, Action]]:
    """The plan actions a party reports on (domain/actors.py), in the plan's order."""
    groups = actors.entry_kinds(party)
    actions = db.session.scalars(
        sa.select(Action).join(Objective)
        .where(Action.plan_version_id == rnd.plan_version_id, Action.actor_group.in_(list(groups)))
        .order_by(Objective.number, Action.position)).all()
    actions = sorted(actions, key=lambda a: (a.objective.number, _GROUP_ORDER[a.actor_group], a.position))
    return [(groups[a.actor_group], a) for a in actions]


def active_priority_actions(rnd: Round, party: Party) -> list[tuple[PriorityAction, Action]]:
    """The party's priority actions not retired, each with its action in the round's plan version.

    A priority is attached to an action of the plan version it was agreed under; a round on a revised
    version finds the action of the same code in its own version (re-linked, not lost). A priority
    whose code the revised plan no longer has is left out here and listed for the Commission to
    re-attach (services/desk/priorities.unlinked).
    """
    priorities = db.session.scalars(
        sa.select(PriorityAction).join(Action)
        .where(PriorityAction.party_id == party.id, PriorityAction.retired_at.is_(None))
        .order_by(Action.code, PriorityAction.id)).all()
    in_version = action_by_code(rnd.plan_version_id, {p.action.code for p in priorities})
    return [(p, in_version[p.action.code]) for p in priorities if p.action.code in in_version]


def action_by_code(version_id: int, codes: set[str]) -> dict[str, Action]:
    """The actions of one plan version with these codes, by code."""
    if not codes:
        return {}
    return {a.code: a for a in db.session.scalars(
        sa.select(Action).where(Action.plan_version_id == version_id, Action.code.in_(codes)))}


def add_priority_entry(report: Report, priority: PriorityAction, action: Action) -> Entry:
    """The entry of a priority action, after the report's last entry."""
    position = max((e.position for e in report.entries), default=0) + 1
    entry = Entry(action=action, priority_action=priority, kind=EntryKind.priority, key=f"PA{priority.id}",
                  position=position)
    report.entries.append(entry)
    return entry


def create_report(rnd: Round, party: Party) -> Report:
    """A new draft report with one empty entry per action the party reports on."""
    report = Report(round=rnd, party=party)
    db.session.add(report)
    position = 0
    for kind, action in actions_for_party(rnd, party):
        position += 1
        report.entries.append(Entry(action=action, kind=kind, key=action.code, position=position))
    if party.kind == PartyKind.wb_partner:
        for priority, action in active_priority_actions(rnd, party):
            add_priority_entry(report, priority, action)
    db.session.flush()
    follow_ups.add_missing(report)  # the previous round's published recommendations to this party
    figures.prefill(report)         # baselines and targets of the previous round's approved figures
    return report


def ensure_reports(rnd: Round) -> list[Report]:
    """One report per party for the round (created once; existing reports are left as they are)."""
    existing = {r.party_id for r in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id))}
    for party in db.session.scalars(sa.select(Party).order_by(Party.sort_order)):
        if party.id not in existing:
            create_report(rnd, party)
    return list(db.session.scalars(sa.select(Report).join(Party).where(Report.round_id == rnd.id)
                                   .order_by(Party.sort_order)))


# --- starting from the last round ------------------------------------------------------------------

def can_copy_from_last_round(report: Report) -> bool:
    """Only a fresh draft is started from the last round: never one already submitted or started from it."""
    from ctportal.models import ReportState
    return (report.state == ReportState.draft and not report.revisions
            and report.copied_from_revision_id is None)


def copy_from_last_approved(report: Report, user: User) -> int:
    """Start the draft from the party's approved revision of the previous round (services/reporting/previous.py);
    returns how many entries were copied.

    Only entries nobody has touched yet are filled (what someone typed is never overwritten); each
    copied entry is marked `copied_from_previous` until it is edited. Entries are matched by key
    (the action code, or "PA<id>" for a priority action), so actions new in this round stay empty.
    """
    from ctportal.services import audit

    revision = previous.previous_round_revision(report)
    if revision is None:
        raise ValueError(gettext("There is no approved report of the previous round to start from."))
    if not can_copy_from_last_round(report):
        raise ValueError(gettext("This report can no longer be started from the last round."))
    before = {e["key"]: e for e in revision.snapshot.get("entries", [])}

    copied = 0
    for entry in report.entries:
        old = before.get(entry.key)
        if old is None or entry.updated_at is not None:
            continue
        entries.write_fields(entry, entries.EntryData.from_values(old))
        entry.copied_from_previous = True
        signoff.after_edit(entry, user)
        copied += 1
    report.copied_from_revision_id = revision.id
    figures.prefill(report)   # the figures' baselines and targets, where the draft has none yet
    db.session.flush()
    audit.record("report.copied_from_previous", report, actor=user, revision_id=revision.id,
                 revision=revision.number, entries=copied)
    return copied
