"""Partner-specific priority actions, kept by the Commission.

A priority action is attached to one action of the plan for one Western Balkans partner. It
becomes an entry of that partner's report when the report is created (services/reporting/reports),
and a priority agreed mid-round reaches at once the partner's reports that can still be edited in
the open rounds, with a notification (issue 15, item 6). Retiring one leaves the entries already
made (what a party wrote there is never removed); the next report no longer has it. A revised
plan version keeps the priorities, re-linked by action code; those whose action the revision
dropped are listed (`unlinked`) for the Commission to attach again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ctportal.domain.errors import DomainError
from ctportal.domain.actors import PARTNER_GROUPS
from ctportal.models import (Action, Objective, Party, PartyKind, PriorityAction, Report, ReportState, Round,
                             RoundState, db, utcnow)
from ctportal.services import audit
from ctportal.services.reporting.reports import action_by_code, add_priority_entry

if TYPE_CHECKING:
    from ctportal.models import User


class PriorityError(DomainError, ValueError):
    """A priority action that breaks a rule of the plan; the message says which."""


@dataclass(frozen=True)
class Arrangement:
    """Where a priority comes from: the day and the meeting or place it was agreed, and its reference."""
    agreed_on: dt.date | None = None
    agreed_at: str = ""
    reference: str = ""


def partners() -> list[Party]:
    return list(db.session.scalars(sa.select(Party).where(Party.kind == PartyKind.wb_partner)
                                   .order_by(Party.sort_order)))


def linkable_actions(version_id: int) -> list[Action]:
    """Actions a partner reports on: its own and its contribution to the joint ones."""
    return list(db.session.scalars(
        sa.select(Action).join(Objective)
        .where(Action.plan_version_id == version_id,
               Action.actor_group.in_(PARTNER_GROUPS))
        .order_by(Objective.number, Action.position)))


def for_party(party: Party, *, include_retired: bool = True) -> list[PriorityAction]:
    query = sa.select(PriorityAction).join(Action).where(PriorityAction.party_id == party.id)
    if not include_retired:
        query = query.where(PriorityAction.retired_at.is_(None))
    return list(db.session.scalars(query.order_by(PriorityAction.retired_at.is_not(None), Action.code,
                                                  PriorityAction.id)))


def _check(party: Party, action: Action) -> None:
    if party.kind != PartyKind.wb_partner:
        raise PriorityError("Priority actions are agreed with the Western Balkans partners only.")
    if action.actor_group not in PARTNER_GROUPS:
        raise PriorityError(f"Action {action.code} is not addressed to the partners.")


def add(party: Party, action: Action, text: str, target_date: dt.date | None, actor: User,
        arrangement: Arrangement = Arrangement()) -> PriorityAction:
    _check(party, action)
    priority = PriorityAction(party_id=party.id, action_id=action.id, text=text.strip(),
                              target_date=target_date, created_by_id=actor.id, agreed_on=arrangement.agreed_on,
                              agreed_at=arrangement.agreed_at.strip(),
                              arrangement_reference=arrangement.reference.strip())
    db.session.add(priority)
    db.session.flush()
    audit.record("priority.added", priority, actor=actor, action_code=action.code)
    reach_open_reports(priority, actor)
    return priority


# The reports a new priority reaches at once: those the party may still edit (policy.EDITABLE_STATES).
_EDITABLE = (ReportState.draft, ReportState.changes_requested)


def reach_open_reports(priority: PriorityAction, actor: User) -> list[Report]:
    """Add the priority's entry to the party's editable reports in open rounds, and tell the party."""
    from ctportal.services.messaging import notify
    reports = db.session.scalars(
        sa.select(Report).join(Round)
        .where(Report.party_id == priority.party_id, Round.state == RoundState.open,
               Report.state.in_(_EDITABLE))).all()
    reached = []
    for report in reports:
        if any(e.priority_action_id == priority.id for e in report.entries):
            continue
        action = action_by_code(report.round.plan_version_id, {priority.action.code}).get(priority.action.code)
        if action is None:
            continue  # the round's plan has no such action: listed by unlinked()
        entry = add_priority_entry(report, priority, action)
        db.session.flush()
        audit.record("priority.reached_report", report, actor=actor, priority=priority.id, entry_id=entry.id)
        notify.priority_added(report, entry, actor)
        reached.append(report)
    return reached


def unlinked(version_id: int) -> list[PriorityAction]:
    """Active priorities whose action code the plan version no longer has: the Commission attaches
    them to an action of that version again (edit), or retires them."""
    active = db.session.scalars(sa.select(PriorityAction).join(Action).where(PriorityAction.retired_at.is_(None))
                                .order_by(PriorityAction.party_id, Action.code)).all()
    have = action_by_code(version_id, {p.action.code for p in active})
    return [p for p in active if p.action.plan_version_id != version_id and p.action.code not in have]


def edit(priority: PriorityAction, action: Action, text: str, target_date: dt.date | None, actor: User,
         arrangement: Arrangement | None = None) -> None:
    if priority.retired_at is not None:
        raise PriorityError("This priority action is retired; it cannot be changed.")
    party = db.session.get(Party, priority.party_id)
    assert party is not None  # party_id is a non-null foreign key
    _check(party, action)
    changes: dict[str, object] = {}
    if action.id != priority.action_id:
        changes["action"] = [priority.action.code, action.code]
        priority.action_id = action.id
    if text.strip() != priority.text:
        changes["text"] = True
        priority.text = text.strip()
    if target_date != priority.target_date:
        changes["target_date"] = [priority.target_date.isoformat() if priority.target_date else None,
                                  target_date.isoformat() if target_date else None]
        priority.target_date = target_date
    if arrangement is not None:
        wanted = (arrangement.agreed_on, arrangement.agreed_at.strip(), arrangement.reference.strip())
        if wanted != (priority.agreed_on, priority.agreed_at, priority.arrangement_reference):
            changes["arrangement"] = True
            priority.agreed_on, priority.agreed_at, priority.arrangement_reference = wanted
    if changes:
        priority.updated_at = utcnow()
        db.session.flush()
        audit.record("priority.edited", priority, actor=actor, changes=changes)


def retire(priority: PriorityAction, actor: User) -> None:
    if priority.retired_at is not None:
        raise PriorityError("This priority action is already retired.")
    priority.retired_at = utcnow()
    db.session.flush()
    audit.record("priority.retired", priority, actor=actor)
