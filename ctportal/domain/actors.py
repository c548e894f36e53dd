"""Who reports on which action of the plan: the one rule reports, the map, priority actions and PDFs ask."""
from __future__ import annotations

from typing import Any

from ctportal.models import ActorGroup, EntryKind, PartyKind

# The actions addressed to the Western Balkans partners: their own and their part in the joint ones.
PARTNER_GROUPS = (ActorGroup.partner, ActorGroup.joint)


def entry_kinds(party: Any) -> dict[ActorGroup, EntryKind]:
    """The actor groups whose actions the party reports on, and the kind of entry each one gives.

    A Western Balkans partner: its partner actions and its contribution to the joint ones.
    The Commission, Europol, Eurojust: their own support actions (the party's actor group).
    """
    if party.kind == PartyKind.wb_partner:
        return {ActorGroup.partner: EntryKind.action, ActorGroup.joint: EntryKind.joint}
    return {ActorGroup(party.actor_group): EntryKind.action}


def reports_on(party: Any, action: Any) -> bool:
    return action.actor_group in entry_kinds(party)
