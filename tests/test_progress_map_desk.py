"""The progress map: what each user sees of a round, the shares per objective, movement across rounds."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from ctportal.models import EntryStatus, PriorityAction, RoundState, db, utcnow
from ctportal.services.desk import progress_map
from tests.factories import approve, fill_report, make_round, report_of, submit


def _cells(page: str) -> list[str]:
    return re.findall(r'<td class="status-cell ([^"]*)"', page)


def _world(users):
    """Albania approved (achieved), Serbia submitted (in progress), Montenegro a draft never submitted."""
    rnd = make_round()
    al, rs, me = report_of(rnd, "AL"), report_of(rnd, "RS"), report_of(rnd, "ME")
    fill_report(al, "Albania did {key}.", status=EntryStatus.achieved)
    submit(al, users.coordinator_al)
    approve(al, users.reviewer)
    fill_report(rs, "Serbia did {key}.", status=EntryStatus.in_progress)
    submit(rs, users.coordinator_rs)
    fill_report(me, "Montenegro drafted {key}.", status=EntryStatus.planned, limit=3)
    return rnd


def test_commission_sees_approved_data_and_submitted_data_marked_not_yet_approved(auth, client, users):
    rnd = _world(users)
    pmap = progress_map.build_map(rnd, users.reviewer)
    by = {p.party.code: p for p in pmap.parties}
    assert by["AL"].source == progress_map.APPROVED
    assert by["RS"].source == progress_map.SUBMITTED
    assert by["ME"].source == progress_map.COUNT_ONLY and by["ME"].entries == {}
    assert (by["ME"].answered, by["ME"].total) == (3, 39)
    auth.login("reviewer")
    page = client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
    assert "Submitted, not yet approved" in page
    assert "Achieved (not yet approved)" not in page
    assert "In progress (not yet approved)" in page          # Serbia's cells say so to screen readers
    assert "status-achieved" in page                         # Albania's approved statuses
    assert "Montenegro, 1.P1: not yet submitted" in page     # a draft shows no status
    assert not any("status-planned" in c for c in _cells(page))  # ...so Montenegro's "planned" never shows


def test_a_party_user_sees_only_their_own_party_including_the_draft(auth, client, users):
    rnd = _world(users)
    pmap = progress_map.build_map(rnd, users.contributor_rs)
    assert [p.party.code for p in pmap.parties] == ["RS"]
    rnd2 = make_round("Second", document_number="ST 2/26")
    fill_report(report_of(rnd2, "ME"), status=EntryStatus.planned, limit=2)
    auth.login("coordinator_al")
    page = client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
    assert "Albania" in page
    for other in ("Serbia", "Montenegro", ">RS<", ">ME<", "Serbia did"):
        assert other not in page
    auth.logout()
    from ctportal.models import Role, User
    from ctportal.services.accounts.users import create_user
    from tests.helpers import PASSWORD
    me_user = create_user("coordinator.me@example.eu", "Coordinator Me", Role.coordinator,
                          report_of(rnd2, "ME").party, PASSWORD)
    db.session.commit()
    auth.login(me_user)
    page = client.get(f"/progress/rounds/{rnd2.id}").get_data(as_text=True)
    assert sum("status-planned" in c for c in _cells(page)) == 2   # its own draft statuses
    assert "Draft (not submitted)" in page
    assert db.session.scalar(sa.select(User).where(User.id == me_user.id)) is not None


def test_every_cell_carries_a_symbol_and_the_page_a_legend(auth, client, users):
    rnd = _world(users)
    auth.login("secretariat")
    page = client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
    assert "Legend" in page
    for status in EntryStatus:
        assert f"{status.symbol}</span> {status.title}" in page
    # Albania's approved cells read "A" (achieved) even without colour.
    assert re.search(r'status-achieved">\s*<a [^>]*class="map-link">A'
                     r'<span class="visually-hidden"> — Albania, 1\.P1: Achieved</span></a>', page)
    assert "@media print" in client.get("/static/css/portal.css").get_data(as_text=True)


def test_a_cell_links_to_the_entry(auth, client, users):
    rnd = _world(users)
    al = report_of(rnd, "AL")
    entry = next(e for e in al.entries if e.key == "1.P1")
    auth.login("reviewer")
    page = client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
    assert f'href="/reports/{al.id}/entries/{entry.id}"' in page
    me = report_of(rnd, "ME")
    assert f"/reports/{me.id}/" not in page  # a draft the reviewer may not open is not linked


def test_priority_actions_are_marked(auth, client, users):
    from ctportal.models import Action
    from ctportal.services.reporting.reports import create_report
    from ctportal.models import Party
    action = db.session.scalar(sa.select(Action).where(Action.code == "2.P1"))
    al = db.session.scalar(sa.select(Party).where(Party.code == "AL"))
    db.session.add(PriorityAction(party_id=al.id, action_id=action.id, text="Adopt the AML law.",
                                  target_date=dt.date(2027, 6, 30), created_by_id=users.reviewer.id))
    db.session.commit()
    rnd = make_round(state=RoundState.draft)
    create_report(rnd, al)
    rnd.state = RoundState.open
    db.session.commit()
    auth.login("coordinator_al")
    page = client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
    assert "Albania, 2.P1: no status given, priority action" in page
    assert "Adopt the AML law." in page and "2027-06-30" in page


def test_shares_per_objective_leave_out_not_applicable(users):
    rnd = make_round()
    rs = report_of(rnd, "RS")
    objective_1 = [e for e in rs.entries if e.action.objective.number == 1]
    statuses = [EntryStatus.achieved, EntryStatus.achieved, EntryStatus.partially_achieved,
                EntryStatus.not_started, EntryStatus.not_applicable]
    for entry, status in zip(objective_1, statuses, strict=False):  # the first five entries only
        entry.status = status
    db.session.commit()
    share = progress_map.build_map(rnd, users.coordinator_rs).shares[rs.party_id][1]
    unanswered = len(objective_1) - len(statuses)
    assert (share.achieved, share.in_progress, share.not_applicable) == (2, 1, 1)
    assert share.not_started == 1 + unanswered
    assert share.pct("achieved") == round(100 * 2 / (4 + unanswered))


def test_across_rounds_shows_how_each_party_moved(auth, client, users):
    first = make_round("Round 2025", document_number="ST 1/25")
    first.opened_at = utcnow() - dt.timedelta(days=300)
    db.session.commit()
    old = report_of(first, "AL")
    fill_report(old, status=EntryStatus.in_progress)
    submit(old, users.coordinator_al)
    approve(old, users.reviewer)
    second = make_round("Round 2026", document_number="ST 1/26")
    second.opened_at = utcnow()
    db.session.commit()
    new = report_of(second, "AL")
    fill_report(new, status=EntryStatus.in_progress)
    new.entries[0].status = EntryStatus.achieved
    new.entries[1].status = EntryStatus.planned
    new.entries[1].lower_status_reason = "The budget was cut."  # a step back is explained (issue 18)
    db.session.commit()
    submit(new, users.coordinator_al)
    approve(new, users.reviewer)
    view = progress_map.across_rounds(second, users.reviewer)
    assert view.previous.id == first.id
    al = next(m for m in view.movements if m.party.code == "AL")
    assert (al.count("up"), al.count("down")) == (1, 1)
    assert al.count("same") == len(new.entries) - 2 - sum(1 for e in new.entries if e.kind.value == "priority")
    auth.login("reviewer")
    page = client.get(f"/progress/rounds/{second.id}/across").get_data(as_text=True)
    assert "▲ 1 further" in page and "▼ 1 back" in page
    assert new.entries[0].key in page


def test_the_map_index_opens_the_newest_visible_round_and_admins_have_no_map(auth, client, users):
    make_round("Older", document_number="ST 1/25").opened_at = utcnow() - dt.timedelta(days=9)
    newest = make_round("Newer", document_number="ST 2/25")
    newest.opened_at = utcnow()
    make_round("In preparation", state=RoundState.draft, document_number="ST 3/25")
    db.session.commit()
    auth.login("reviewer")
    assert client.get("/progress/").headers["Location"].endswith(f"/progress/rounds/{newest.id}")
    auth.logout()
    auth.login("admin")
    assert client.get("/progress/").status_code == 403
    assert client.get(f"/progress/rounds/{newest.id}").status_code == 404


def test_the_map_shows_each_recommendation_with_its_follow_up_to_those_who_may_see_it(auth, client, users):
    """Issue 15, item 2: the previous round's published recommendations to a party, with the follow-up
    its shown data gives; a party sees its own only, a draft never submitted shows none to the Commission."""
    from ctportal.services.reporting import follow_ups
    from tests.test_follow_ups import REC1, REC2, _previous_round

    _previous_round(users)
    rnd = make_round()
    al = fill_report(report_of(rnd, "AL"))
    first, second = follow_ups.of_report(al)
    follow_ups.save(first, users.coordinator_al, status="partly_implemented", narrative="Adopted in part.",
                    expected_version=first.version)
    follow_ups.save(second, users.coordinator_al, status="not_implemented", narrative="Not staffed.",
                    expected_version=second.version)
    db.session.commit()
    auth.login("reviewer")
    page = client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
    assert "Recommendations followed up" not in page      # a draft never submitted: nothing of it
    auth.logout()
    submit(al, users.coordinator_al)
    for who in ("reviewer", "coordinator_al"):
        auth.login(who)
        page = client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
        section = page.split('id="follow-ups"', 1)[1]
        assert REC1 in section and REC2 in section and "Progress report 2025" in section
        assert "Partly implemented" in section and "Not implemented" in section
        assert f"Follow-up in {rnd.title}" in section
        auth.logout()
    auth.login("coordinator_rs")
    page = client.get(f"/progress/rounds/{rnd.id}").get_data(as_text=True)
    assert "FU-7c1" not in page and "Recommendations followed up" not in page
