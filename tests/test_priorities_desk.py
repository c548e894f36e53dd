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
    # The draft already open carries it at once (issue 15, item 6), and so does the next report.
    assert [e.key for e in report_of(current, "AL").entries if e.kind == EntryKind.priority] == [f"PA{priority.id}"]
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


def test_a_priority_agreed_mid_round_reaches_the_open_drafts_at_once_and_the_party_hears_of_it(auth, client, users):
    from ctportal.models import Notification, OutgoingMail
    from tests.factories import fill_report, submit
    current = make_round("Current", document_number="ST 1/26")
    al_report, rs_report = report_of(current, "AL"), report_of(current, "RS")
    submit(fill_report(rs_report), users.coordinator_rs)  # under review: not touched
    db.session.commit()
    before = len(al_report.entries)
    auth.login("reviewer")
    assert _add(client, _party("AL")).status_code == 302
    assert _add(client, _party("RS"), code="3.P1", text="Extend the exit programme.").status_code == 302
    db.session.refresh(al_report)
    added = [e for e in al_report.entries if e.kind == EntryKind.priority]
    assert len(al_report.entries) == before + 1 and [e.action.code for e in added] == ["2.P1"]
    assert added[0].position == max(e.position for e in al_report.entries)
    db.session.refresh(rs_report)
    assert not [e for e in rs_report.entries if e.kind == EntryKind.priority]
    # Albania's people are told, in the portal and by mail, with a link to the new entry.
    notes = db.session.scalars(sa.select(Notification).where(Notification.kind == "priority_added")).all()
    assert {n.user_id for n in notes} == {users.coordinator_al.id, users.contributor_al.id}
    assert all(n.subject.startswith("New priority action on 2.P1: Albania") for n in notes)
    assert all(n.link == f"/reports/{al_report.id}/entries/{added[0].id}" for n in notes)
    mail = db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.subject.like("New priority action%"))).all()
    assert mail and "Adopt the law on terrorist financing." in mail[0].body
    # Adding it again to the same report does not happen twice.
    from ctportal.services.desk import priorities
    assert priorities.reach_open_reports(added[0].priority_action, users.reviewer) == []


def test_a_revised_plan_keeps_the_priorities_by_action_code_and_lists_those_it_dropped(app, users):
    from ctportal.domain.catalogue import load_catalogue
    from ctportal.models import RoundState
    from ctportal.services.desk import priorities
    from ctportal.services.reporting.reports import ensure_reports
    from tests.test_plan_versions_desk import revised_catalogue_file
    new = load_catalogue(revised_catalogue_file(app))
    kept = priorities.add(_party("AL"), _action("2.P1"), "Adopt the law.", None, users.reviewer)
    new_only = db.session.scalar(sa.select(Action).where(Action.plan_version_id == new.id, Action.code == "1.P5"))
    dropped = priorities.add(_party("AL"), new_only, "Report on the peer review.", None, users.reviewer)
    db.session.commit()
    # A round on the revised plan: the 2018 priority is re-linked to the revision's 2.P1.
    revised_round = make_round("Revised", state=RoundState.draft, document_number="ST 3/26")
    revised_round.plan_version_id = new.id
    ensure_reports(revised_round)
    entries = [e for e in report_of(revised_round, "AL").entries if e.kind == EntryKind.priority]
    assert {(e.priority_action_id, e.action.plan_version_id, e.action.code) for e in entries} == {
        (kept.id, new.id, "2.P1"), (dropped.id, new.id, "1.P5")}
    # A round on the 2018 plan has no 1.P5: that priority is listed for the Commission, not lost.
    old_round = make_round("Old", document_number="ST 4/26")
    assert [e.priority_action_id for e in report_of(old_round, "AL").entries if e.kind == EntryKind.priority] \
        == [kept.id]
    assert priorities.unlinked(old_round.plan_version_id) == [dropped]
    assert priorities.unlinked(new.id) == []


def test_the_priorities_page_lists_those_to_attach_again_with_a_link_to_do_it(app, users, auth, client):
    from ctportal.domain.catalogue import load_catalogue
    from ctportal.models import PlanVersion
    from ctportal.services.desk import priorities
    from tests.test_plan_versions_desk import revised_catalogue_file
    new = load_catalogue(revised_catalogue_file(app))
    stale = priorities.add(_party("RS"), _action("2.P1"), "Adopt the law.", None, users.reviewer)
    db.session.commit()
    auth.login("reviewer")
    assert "Priority actions to attach again" not in client.get("/priorities/").get_data(as_text=True)
    # The revision drops 2.P1 (made newest here by hand): the priority is listed, with the way to re-attach it.
    db.session.execute(sa.update(Action).where(Action.plan_version_id == new.id, Action.code == "2.P1")
                       .values(code="2.P1-dropped"))
    db.session.commit()
    assert db.session.scalar(sa.select(PlanVersion).order_by(PlanVersion.id.desc())).id == new.id
    page = html.unescape(client.get("/priorities/").get_data(as_text=True))
    section = page[page.index("Priority actions to attach again"):page.index("</section>")]
    assert "Serbia" in section and "2.P1: Adopt the law." in section
    assert f'href="/priorities/{stale.id}/edit"' in section


def test_a_priority_carries_the_arrangement_it_comes_from(auth, client):
    al = _party("AL")
    auth.login("reviewer")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    refused = client.post(f"/priorities/party/{al.id}", data={
        "action_id": _action("2.P1").id, "text": "Adopt the law.", "agreed_on": tomorrow,
        "agreed_at": "EU-Western Balkans JHA Ministerial Forum, Tirana"})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 200 and "Agreed on: the date cannot be later than today." in page
    assert 'value="EU-Western Balkans JHA Ministerial Forum, Tirana"' in page  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count(PriorityAction.id))) == 0
    response = client.post(f"/priorities/party/{al.id}", data={
        "action_id": _action("2.P1").id, "text": "Adopt the law.", "agreed_on": "2019-10-09",
        "agreed_at": "EU-Western Balkans JHA Ministerial Forum, Tirana",
        "arrangement_reference": "Bilateral arrangement with Albania"})
    assert response.status_code == 302
    priority = db.session.scalar(sa.select(PriorityAction))
    assert (priority.agreed_on, priority.agreed_at, priority.arrangement_reference) == (
        dt.date(2019, 10, 9), "EU-Western Balkans JHA Ministerial Forum, Tirana", "Bilateral arrangement with Albania")
    table = html.unescape(client.get(f"/priorities/party/{al.id}").get_data(as_text=True))
    assert "9 October 2019, EU-Western Balkans JHA Ministerial Forum, Tirana" in table
    assert "Bilateral arrangement with Albania" in table
    # Editing the arrangement is recorded.
    client.post(f"/priorities/{priority.id}/edit", data={
        "action_id": _action("2.P1").id, "text": "Adopt the law.", "agreed_on": "2019-10-09",
        "agreed_at": "Tirana", "arrangement_reference": "Bilateral arrangement with Albania"})
    db.session.refresh(priority)
    assert priority.agreed_at == "Tirana"
    edited = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "priority.edited")).all()
    assert edited and edited[-1].detail["changes"]["arrangement"] is True


def test_a_partner_lists_its_own_priorities_and_no_other_partners(auth, client, users):
    from ctportal.services.desk import priorities
    ours = priorities.add(_party("AL"), _action("2.P1"), "Adopt the law on terrorist financing.", None,
                          users.reviewer, priorities.Arrangement(dt.date(2019, 10, 9), "Tirana", "Arrangement AL"))
    priorities.add(_party("RS"), _action("3.P1"), "SERBIA-ONLY priority.", None, users.reviewer)
    retired = priorities.add(_party("AL"), _action("1.P1"), "An older priority.", None, users.reviewer)
    priorities.retire(retired, users.reviewer)
    db.session.commit()
    auth.login("contributor_al")
    home = client.get("/home").get_data(as_text=True)
    assert 'href="/partner/priorities"' in home  # in the navigation
    page = html.unescape(client.get("/partner/priorities").get_data(as_text=True))
    assert ours.text in page and "9 October 2019, Tirana" in page and "Arrangement AL" in page
    assert "An older priority." in page and page.index(ours.text) < page.index("An older priority.")
    assert "SERBIA-ONLY" not in page
