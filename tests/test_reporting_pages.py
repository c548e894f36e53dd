"""My reports, the report overview and the per-objective pages, built from the catalogue."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ctportal.models import (Action, ActorGroup, Entry, EntryKind, EntryStatus, PlanVersion, PriorityAction,
                             Report, ReportState, Revision, RoundState, db)
from ctportal.services.reporting.previous import previous_round_revision
from tests.factories import approve, fill_report, make_round, report_of, submit


@pytest.fixture
def rnd(app):
    return make_round(deadline_in_days=12)


def test_my_reports_shows_state_deadline_progress_per_objective_and_last_edits(client, auth, rnd, users):
    al = report_of(rnd, "AL")
    objective_1 = [e for e in al.entries if e.kind == EntryKind.action and e.action.objective.number == 1]
    for entry in objective_1[:2]:
        entry.status, entry.narrative = EntryStatus.planned, "Planned."
        entry.updated_at, entry.updated_by_id = dt.datetime(2026, 5, 1, 9, 30), users.coordinator_al.id
    db.session.commit()
    auth.login("contributor_al")
    page = client.get("/reports").get_data(as_text=True)
    assert rnd.title in page and "Draft" in page
    assert "(in 12 days)" in page
    assert f"2 of {len(objective_1)} actions answered" in page
    assert "2 of 39 actions answered" in page
    assert "Coordinator Al" in page and "1 May 2026, 09:30 UTC" in page
    assert "Serbia" not in page  # never another party's report


def test_a_partner_report_has_its_partner_actions_joint_actions_and_priority_actions(client, auth, app, users):
    version = db.session.scalar(sa.select(PlanVersion))
    action = db.session.scalar(sa.select(Action).where(Action.code == "1.P1"))
    from ctportal.models import Party
    albania = db.session.scalar(sa.select(Party).where(Party.code == "AL"))
    db.session.add(PriorityAction(party_id=albania.id, action_id=action.id, text="Adopt the new CT law.",
                                  target_date=dt.date(2026, 12, 31), created_by_id=users.reviewer.id))
    db.session.commit()
    rnd = make_round()
    al = report_of(rnd, "AL")
    kinds = [e.kind for e in al.entries]
    assert kinds.count(EntryKind.action) == 32 and kinds.count(EntryKind.joint) == 7
    assert kinds.count(EntryKind.priority) == 1
    assert version.id == rnd.plan_version_id
    auth.login("coordinator_al")
    overview = client.get(f"/reports/{al.id}").get_data(as_text=True)
    for slug in ("1", "2", "3", "4", "5", "joint", "priority"):
        assert f"/reports/{al.id}/sections/{slug}" in overview
    priority = client.get(f"/reports/{al.id}/sections/priority").get_data(as_text=True)
    assert "Adopt the new CT law." in priority and "31 December 2026" in priority


def test_an_eu_report_has_its_own_support_actions_only(client, auth, rnd):
    europol = report_of(rnd, "EUROPOL")
    groups = {e.action.actor_group for e in europol.entries}
    assert groups == {ActorGroup.europol} and len(europol.entries) == 4
    auth.login("reporter_europol")
    page = client.get(f"/reports/{europol.id}").get_data(as_text=True)
    assert "Joint actions" not in page


def test_an_objective_page_shows_every_action_with_its_full_text_and_footnotes(client, auth, rnd):
    al = report_of(rnd, "AL")
    auth.login("contributor_al")
    page = client.get(f"/reports/{al.id}/sections/1").get_data(as_text=True)
    codes = [e.action.code for e in al.entries if e.kind == EntryKind.action and e.action.objective.number == 1]
    for code in codes:
        assert f"Action {code}" in page
    p1 = db.session.scalar(sa.select(Action).where(Action.code == "1.P1"))
    assert "Directive on Combating Terrorism<sup>" in page  # the footnote call, where the plan puts it
    for ref in p1.footnote_refs:
        assert ref.footnote.text.split()[0] in page
    assert "1.J1" not in page  # joint actions have their own page


def test_an_unknown_section_is_404(client, auth, rnd):
    al = report_of(rnd, "AL")
    auth.login("contributor_al")
    assert client.get(f"/reports/{al.id}/sections/9").status_code == 404
    assert client.get(f"/reports/{al.id}/sections/priority").status_code == 404  # no priority actions


def test_the_overview_lists_what_is_missing_with_links(client, auth, rnd):
    al = report_of(rnd, "AL")
    fill_report(al, limit=len(al.entries) - 2)
    na = al.entries[-1]
    na.status = EntryStatus.not_applicable
    db.session.commit()
    auth.login("contributor_al")
    page = client.get(f"/reports/{al.id}").get_data(as_text=True)
    assert "Still to answer before submitting (2)" in page
    assert f"/reports/{al.id}/entries/{al.entries[-2].id}#status" in page
    assert f"/reports/{al.id}/entries/{na.id}#na_justification" in page
    assert "Your coordinator submits the report" in page  # a contributor has no submit button
    assert "Submit the report for review" not in page


def test_another_partys_report_is_404_like_a_missing_one(client, auth, rnd):
    rs = report_of(rnd, "RS")
    auth.login("contributor_al")
    refused = client.get(f"/reports/{rs.id}")
    missing = client.get("/reports/999999")
    assert refused.status_code == missing.status_code == 404
    assert refused.data == missing.data


# --- start from the last round ------------------------------------------------------------------------

def _approved_previous_round(users):
    old = make_round("Progress report 2025", document_number="ST 0/25")
    al = report_of(old, "AL")
    fill_report(al, narrative="Last year: {key}.")
    al.entries[0].measures  # noqa: B018
    from ctportal.models import Measure
    al.entries[0].measures.append(Measure(position=1, description="Old measure", taken_on=dt.date(2025, 3, 1)))
    db.session.commit()
    submit(al, users.coordinator_al)
    approve(al, users.reviewer)
    return old


def test_a_new_report_can_start_from_the_last_approved_revision_marked_until_edited(client, auth, app, users):
    _approved_previous_round(users)
    new = report_of(make_round("Progress report 2026", document_number="ST 1/26"), "AL")
    # One action was already answered in the new draft: copying must not overwrite it.
    mine = new.entries[1]
    mine.narrative, mine.updated_at = "Typed this year", dt.datetime(2026, 1, 1)
    mine.updated_by_id = users.contributor_al.id
    db.session.commit()
    auth.login("contributor_al")
    page = client.get(f"/reports/{new.id}").get_data(as_text=True)
    assert "Copy the last approved report" in page
    response = client.post(f"/reports/{new.id}/copy-previous")
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(Report, new.id)
    first = new.entries[0]
    assert first.narrative == f"Last year: {first.key}." and first.copied_from_previous
    assert [(m.description, m.taken_on) for m in first.measures] == [("Old measure", dt.date(2025, 3, 1))]
    assert new.entries[1].narrative == "Typed this year" and not new.entries[1].copied_from_previous
    assert new.copied_from_revision_id is not None
    section = client.get(f"/reports/{new.id}/sections/1").get_data(as_text=True)
    assert "Copied from the last round" in section
    # Only once: a second copy is refused and changes nothing.
    client.post(f"/reports/{new.id}/copy-previous")
    db.session.expire_all()
    assert db.session.get(Entry, new.entries[1].id).narrative == "Typed this year"


def test_without_an_approved_report_there_is_nothing_to_copy(client, auth, rnd):
    al = report_of(rnd, "AL")
    auth.login("contributor_al")
    assert b"Copy the last approved report" not in client.get(f"/reports/{al.id}").data
    response = client.post(f"/reports/{al.id}/copy-previous", follow_redirects=True)
    assert b"There is no approved report of the previous round" in response.data
    assert previous_round_revision(al) is None


def test_a_submitted_round_s_report_cannot_be_copied_into(client, auth, users, app):
    _approved_previous_round(users)
    new = report_of(make_round("Progress report 2026", document_number="ST 1/26"), "AL")
    fill_report(new)
    submit(new, users.coordinator_al)
    auth.login("coordinator_al")
    assert client.post(f"/reports/{new.id}/copy-previous").status_code == 403


def test_a_closed_round_stays_visible_but_read_only(client, auth, rnd):
    al = report_of(rnd, "AL")
    rnd.state = RoundState.closed
    db.session.commit()
    auth.login("coordinator_al")
    assert client.get("/reports").status_code == 200
    page = client.get(f"/reports/{al.id}/entries/{al.entries[0].id}")
    assert page.status_code == 200 and b'name="narrative"' not in page.data
    assert client.post(f"/reports/{al.id}/entries/{al.entries[0].id}", data={"narrative": "x"}).status_code == 403
    assert al.state == ReportState.draft
    assert db.session.scalar(sa.select(sa.func.count(Revision.id))) == 0
