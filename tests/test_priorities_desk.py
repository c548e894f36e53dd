"""Priority actions: the Commission adds, edits and retires them; they appear in the partner's next report."""
from __future__ import annotations

import datetime as dt
import html

import sqlalchemy as sa

from ctportal.models import Action, AuditEvent, EntryKind, Party, PriorityAction, db
from tests.factories import make_round, report_of


def _party(code):
    return db.session.scalar(sa.select(Party).where(Party.code == code))


def _action(code):
    return db.session.scalar(sa.select(Action).where(Action.code == code))


def _add(client, party, code="2.P1", text="Adopt the law on terrorist financing.", target="2027-06-30"):
    return client.post(f"/priorities/party/{party.id}", data={
        "action_id": _action(code).id, "text": text, "target_date": target})


def test_a_reviewer_adds_a_priority_action_that_appears_in_the_partners_next_report(auth, client):
    current = make_round("Current", document_number="ST 1/26")
    al = _party("AL")
    auth.login("reviewer")
    assert _add(client, al).status_code == 302
    priority = db.session.scalar(sa.select(PriorityAction))
    assert (priority.party_id, priority.action.code, priority.target_date) == (al.id, "2.P1", dt.date(2027, 6, 30))
    assert "priority.added" in db.session.scalars(sa.select(AuditEvent.action)).all()
    # The report already open is left alone; the next one carries it, marked as priority.
    assert not [e for e in report_of(current, "AL").entries if e.kind == EntryKind.priority]
    nxt = make_round("Next", document_number="ST 2/26")
    entries = [e for e in report_of(nxt, "AL").entries if e.kind == EntryKind.priority]
    assert [(e.key, e.priority_action_id, e.action.code) for e in entries] == [
        (f"PA{priority.id}", priority.id, "2.P1")]
    assert not [e for e in report_of(nxt, "RS").entries if e.kind == EntryKind.priority]


def test_editing_and_retiring_a_priority_action(auth, client):
    al = _party("AL")
    auth.login("secretariat")
    _add(client, al)
    priority = db.session.scalar(sa.select(PriorityAction))
    response = client.post(f"/priorities/{priority.id}/edit", data={
        "action_id": _action("3.P2").id, "text": "Set up the financial intelligence unit.", "target_date": ""})
    assert response.status_code == 302
    db.session.refresh(priority)
    assert (priority.action.code, priority.text, priority.target_date) == (
        "3.P2", "Set up the financial intelligence unit.", None)
    assert client.post(f"/priorities/{priority.id}/retire").status_code == 302
    db.session.refresh(priority)
    assert priority.retired_at is not None
    # A retired priority is not in the next report and can no longer be edited.
    nxt = make_round()
    assert not [e for e in report_of(nxt, "AL").entries if e.kind == EntryKind.priority]
    assert client.get(f"/priorities/{priority.id}/edit").status_code == 403
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.startswith("priority."))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["priority.added", "priority.edited", "priority.retired"]


def test_a_priority_needs_text_and_a_partner_action(auth, client):
    al = _party("AL")
    auth.login("reviewer")
    response = _add(client, al, text="")
    assert response.status_code == 200
    assert "Describe the priority action." in html.unescape(response.get_data(as_text=True))
    response = _add(client, al, code="1.EU1")  # an action of the EU, not of the partner
    assert "Not a valid choice" in response.get_data(as_text=True)
    response = _add(client, al, target="next year")
    assert "Write the date as YYYY-MM-DD" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PriorityAction.id))) == 0


def test_priority_actions_are_for_partners_only(auth, client):
    europol = _party("EUROPOL")
    auth.login("reviewer")
    assert _add(client, europol).status_code == 404
    assert client.get(f"/priorities/party/{europol.id}").status_code == 404


def test_party_users_and_admins_do_not_manage_priorities(auth, client, users):
    al = _party("AL")
    priority = PriorityAction(party_id=al.id, action_id=_action("1.P1").id, text="x", created_by_id=users.reviewer.id)
    db.session.add(priority)
    db.session.commit()
    for key in ("coordinator_al", "admin", "reporter_ec"):
        auth.login(key)
        assert _add(client, al).status_code == 403
        assert client.post(f"/priorities/{priority.id}/retire").status_code == 403
        auth.logout()
    db.session.refresh(priority)
    assert priority.retired_at is None
    assert db.session.scalar(sa.select(sa.func.count(PriorityAction.id))) == 1
