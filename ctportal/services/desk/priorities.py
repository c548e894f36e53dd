"""Partner-specific priority actions, kept by the Commission.

A priority action is attached to one action of the plan for one Western Balkans partner. It
becomes an entry of that partner's report when the report is created (services/reports), so
adding, changing or retiring one affects the partner's next report, never one already open.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ctportal.domain.errors import DomainError
from ctportal.domain.actors import PARTNER_GROUPS
from ctportal.models import Action, Objective, Party, PartyKind, PriorityAction, db, utcnow
from ctportal.services import audit

if TYPE_CHECKING:
    from ctportal.models import User


class PriorityError(DomainError, ValueError):
    """A priority action that breaks a rule of the plan; the message says which."""


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


def add(party: Party, action: Action, text: str, target_date: dt.date | None, actor: User) -> PriorityAction:
    _check(party, action)
    priority = PriorityAction(party_id=party.id, action_id=action.id, text=text.strip(),
                              target_date=target_date, created_by_id=actor.id)
    db.session.add(priority)
    db.session.flush()
    audit.record("priority.added", priority, actor=actor, action_code=action.code)
    return priority


def edit(priority: PriorityAction, action: Action, text: str, target_date: dt.date | None, actor: User) -> None:
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
