"""Who reports on which action: one rule (domain/actors.py) behind the reports, the map and priority actions."""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.domain import actors
from ctportal.models import Action, ActorGroup, EntryKind, Party, db
from ctportal.services.desk import priorities
from ctportal.services.reporting.reports import actions_for_party
from tests.factories import make_round


def _party(code: str) -> Party:
    return db.session.scalar(sa.select(Party).where(Party.code == code))


def test_partners_report_on_their_actions_and_their_part_of_the_joint_ones(app):
    assert actors.entry_kinds(_party("XK")) == {ActorGroup.partner: EntryKind.action,
                                               ActorGroup.joint: EntryKind.joint}
    assert actors.entry_kinds(_party("EC")) == {ActorGroup.eu: EntryKind.action}
    assert actors.entry_kinds(_party("EUROPOL")) == {ActorGroup.europol: EntryKind.action}


def test_each_party_s_report_holds_exactly_the_actions_the_rule_gives_it(app):
    rnd = make_round()
    every_action = list(db.session.scalars(sa.select(Action).where(Action.plan_version_id == rnd.plan_version_id)))
    for code in ("AL", "EC", "EUROPOL", "EUROJUST"):
        party = _party(code)
        in_report = {a.id for _, a in actions_for_party(rnd, party)}
        assert in_report == {a.id for a in every_action if actors.reports_on(party, a)}
        assert in_report, code
    linkable = {a.id for a in priorities.linkable_actions(rnd.plan_version_id)}
    assert linkable == {a.id for a in every_action if actors.reports_on(_party("AL"), a)}
