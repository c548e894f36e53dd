"""Creating reports and their entries from the round's catalogue."""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.models import (Action, ActorGroup, Entry, EntryKind, Objective, Party, PartyKind,
                             PriorityAction, Report, Round, db)

_GROUP_ORDER = {g: i for i, g in enumerate(ActorGroup)}


def actions_for_party(rnd: Round, party: Party) -> list[tuple[EntryKind, Action]]:
    """The plan actions a party reports on, in the plan's order.

    A Western Balkans partner: its partner actions and its contribution to the joint ones.
    The Commission, Europol, Eurojust: their own support actions.
    """
    if party.kind == PartyKind.wb_partner:
        groups = {ActorGroup.partner: EntryKind.action, ActorGroup.joint: EntryKind.joint}
    else:
        groups = {ActorGroup(party.actor_group): EntryKind.action}
    actions = db.session.scalars(
        sa.select(Action).join(Objective)
        .where(Action.plan_version_id == rnd.plan_version_id, Action.actor_group.in_(list(groups)))
        .order_by(Objective.number, Action.position)).all()
    actions = sorted(actions, key=lambda a: (a.objective.number, _GROUP_ORDER[a.actor_group], a.position))
    return [(groups[a.actor_group], a) for a in actions]


def active_priority_actions(rnd: Round, party: Party) -> list[PriorityAction]:
    """The party's priority actions not retired, linked to actions of the round's plan version."""
    return list(db.session.scalars(
        sa.select(PriorityAction).join(Action)
        .where(PriorityAction.party_id == party.id, PriorityAction.retired_at.is_(None),
               Action.plan_version_id == rnd.plan_version_id)
        .order_by(Action.code, PriorityAction.id)))


def create_report(rnd: Round, party: Party) -> Report:
    """A new draft report with one empty entry per action the party reports on."""
    report = Report(round=rnd, party=party)
    db.session.add(report)
    position = 0
    for kind, action in actions_for_party(rnd, party):
        position += 1
        report.entries.append(Entry(action=action, kind=kind, key=action.code, position=position))
    if party.kind == PartyKind.wb_partner:
        for priority in active_priority_actions(rnd, party):
            position += 1
            report.entries.append(Entry(action=priority.action, priority_action=priority,
                                        kind=EntryKind.priority, key=f"PA{priority.id}", position=position))
    db.session.flush()
    return report


def ensure_reports(rnd: Round) -> list[Report]:
    """One report per party for the round (created once; existing reports are left as they are)."""
    existing = {r.party_id for r in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id))}
    for party in db.session.scalars(sa.select(Party).order_by(Party.sort_order)):
        if party.id not in existing:
            create_report(rnd, party)
    return list(db.session.scalars(sa.select(Report).join(Party).where(Report.round_id == rnd.id)
                                   .order_by(Party.sort_order)))
