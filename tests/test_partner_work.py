"""Work inside a partner (issue 18, items 1, 2 and 5): institutions, assignments with due dates, the board,
"assigned to me", ready → accepted or sent back, not accepted at submission, and a lower status's reason."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from ctportal.models import (AuditEvent, Entry, EntryStatus, EntryWork, Institution, PartnerNote, Report, SignOff,
                             db)
from ctportal.pages.reports import entry_label
from ctportal.services.partner import assignments
from ctportal.services.reporting import completeness, signoff
from ctportal.services.review.workflow import IncompleteReport
from tests.factories import approve, fill_report, make_round, report_of, submit


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _entry(report: Report, i: int = 0) -> Entry:
    return report.entries[i]


def _institution(party_id: int, name: str) -> Institution:
    inst = Institution(party_id=party_id, name=name)
    db.session.add(inst)
    db.session.commit()
    return inst


# --- institutions -----------------------------------------------------------------------------------

def test_the_coordinator_keeps_the_list_of_institutions(app, users, auth, client):
    auth.login("coordinator_al")
    response = client.post("/partner/institutions", data={"name": "  Ministry of   Interior "})
    assert response.status_code == 302
    inst = db.session.scalar(sa.select(Institution))
    assert (inst.name, inst.party_id, inst.active) == ("Ministry of Interior", users.coordinator_al.party_id, True)

    again = client.post("/partner/institutions", data={"name": "ministry of interior"})
    assert again.status_code == 422
    assert "Name: “Ministry of Interior” is already in the list." in _text(again)
    empty = client.post("/partner/institutions", data={"name": ""})
    assert empty.status_code == 422 and "Name: enter the institution's name." in _text(empty)
    assert db.session.scalar(sa.select(sa.func.count(Institution.id))) == 1

    renamed = client.post(f"/partner/institutions/{inst.id}", data={f"i{inst.id}-name": "Ministry of the Interior"})
    assert renamed.status_code == 302
    db.session.refresh(inst)
    assert inst.name == "Ministry of the Interior" and inst.active is False  # unticked: retired
    page = _text(client.get("/partner/institutions"))
    assert "Ministry of the Interior" in page
    second = _institution(inst.party_id, "State Police")
    clash = client.post(f"/partner/institutions/{second.id}", data={f"i{second.id}-name": "Ministry of the interior",
                                                                    f"i{second.id}-active": "y"})
    assert clash.status_code == 422 and "Name: “Ministry of the Interior” is already in the list." in _text(clash)
    assert 'value="Ministry of the interior"' in clash.get_data(as_text=True)  # what was typed stays
    db.session.refresh(second)
    assert second.name == "State Police"


def test_institutions_are_the_coordinators_and_their_partys_own(app, users, auth, client):
    other = _institution(users.coordinator_rs.party_id, "Ministarstvo unutrašnjih poslova")
    auth.login("coordinator_al")
    assert client.post(f"/partner/institutions/{other.id}", data={f"i{other.id}-name": "Taken"}).status_code == 404
    assert client.post("/partner/institutions/987654", data={"i987654-name": "x"}).status_code == 404
    assert "Ministarstvo" not in _text(client.get("/partner/institutions"))
    db.session.refresh(other)
    assert other.name == "Ministarstvo unutrašnjih poslova"
    auth.logout()
    auth.login("contributor_al")
    assert client.get("/partner/institutions").status_code == 403
    auth.logout()
    auth.login("reviewer")
    assert client.get("/partner/institutions").status_code == 403


# --- assignments ------------------------------------------------------------------------------------

def test_assignment_with_a_due_date_before_the_deadline(app, users, auth, client):
    rnd = make_round(deadline_in_days=30)
    report = report_of(rnd, "AL")
    entry = _entry(report, 2)
    inst = _institution(report.party_id, "State Police")
    url = f"/reports/{report.id}/entries/{entry.id}/assignment"
    auth.login("coordinator_al")

    late = client.post(url, data={"assignee_id": users.contributor_al.id, "institution_id": inst.id,
                                  "due_on": rnd.submission_deadline.isoformat()})
    assert late.status_code == 422
    assert "Due date: it must be before the submission deadline" in _text(late)
    assert db.session.scalar(sa.select(EntryWork).where(EntryWork.assignee_id.is_not(None))) is None
    # What was typed stays in the form.
    assert f'value="{rnd.submission_deadline.isoformat()}"' in late.get_data(as_text=True)

    badly_written = client.post(url, data={"assignee_id": users.contributor_al.id, "due_on": "31/12/2026"})
    assert badly_written.status_code == 422 and "Due date: write the date as YYYY-MM-DD" in _text(badly_written)
    past = client.post(url, data={"assignee_id": users.contributor_al.id, "due_on": "2020-01-01"})
    assert past.status_code == 422 and "Due date: it cannot be in the past" in _text(past)
    garbage = client.post(url, data={"assignee_id": "abc", "institution_id": "99999999999"})
    assert garbage.status_code == 422
    assert "Contributor: choose one of the listed contributors" in _text(garbage)
    assert "Institution: choose one of the listed institutions" in _text(garbage)
    stranger = client.post(url, data={"assignee_id": users.contributor_rs.id})
    assert stranger.status_code == 422 and "Contributor: choose one of the listed contributors" in _text(stranger)

    due = rnd.submission_deadline - dt.timedelta(days=7)
    ok = client.post(url, data={"assignee_id": users.contributor_al.id, "institution_id": inst.id,
                                "due_on": due.isoformat()})
    assert ok.status_code == 302
    work = db.session.scalar(sa.select(EntryWork).where(EntryWork.entry_id == entry.id))
    assert (work.assignee_id, work.institution_id, work.due_on, work.state) == (
        users.contributor_al.id, inst.id, due, SignOff.open)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "entry.assigned")) is not None


def test_a_contributor_sees_assigned_to_me_first_and_the_coordinator_the_board(app, users, auth, client):
    rnd = make_round()
    report = report_of(rnd, "AL")
    inst = _institution(report.party_id, "Financial Intelligence Unit")
    soon, later = dt.date.today() + dt.timedelta(days=3), dt.date.today() + dt.timedelta(days=9)
    assignments.assign(_entry(report, 4), users.coordinator_al, assignee_id=users.contributor_al.id,
                       institution_id=None, due_on=later)
    assignments.assign(_entry(report, 1), users.coordinator_al, assignee_id=users.contributor_al.id,
                       institution_id=None, due_on=soon)
    assignments.assign(_entry(report, 2), users.coordinator_al, assignee_id=None, institution_id=inst.id,
                       due_on=None)
    db.session.commit()

    auth.login("contributor_al")
    page = _text(client.get(f"/reports/{report.id}"))
    mine = page[page.index("Assigned to me"):page.index("Who drafts what")]
    first, second = _entry(report, 1).action.code, _entry(report, 4).action.code
    assert mine.index(entry_label(_entry(report, 1))) < mine.index(entry_label(_entry(report, 4)))  # earliest due first
    assert page.index("Assigned to me") < page.index('id="parts-title"')  # before the report's parts

    auth.logout()
    auth.login("coordinator_al")
    board = _text(client.get(f"/reports/{report.id}/board"))
    assert users.contributor_al.name in board and "Financial Intelligence Unit" in board and "Not assigned" in board
    row = board[board.index(users.contributor_al.name):board.index("Financial Intelligence Unit")]
    assert first in row and second in row


# --- ready → accepted, sent back ----------------------------------------------------------------------

def test_ready_accepted_and_sent_back_inside_the_partner(app, users, auth, client):
    rnd = make_round()
    report = report_of(rnd, "AL")
    entry = _entry(report)
    assignments.assign(entry, users.coordinator_al, assignee_id=users.contributor_al.id, institution_id=None,
                       due_on=None)
    db.session.commit()
    base = f"/reports/{report.id}/entries/{entry.id}"

    auth.login("coordinator_al")
    refused = client.post(f"{base}/accept", data={"version": entry.version})  # not ready yet
    assert refused.status_code == 409 and "This step cannot be taken now" in _text(refused)
    auth.logout()

    auth.login("contributor_al")
    assert client.post(f"{base}/ready", data={"version": entry.version}).status_code == 302
    assert signoff.work_of(entry).state == SignOff.ready
    assert client.post(f"{base}/accept", data={"version": entry.version}).status_code == 403  # not the coordinator
    auth.logout()

    auth.login("coordinator_al")
    no_reason = client.post(f"{base}/send-back", data={"version": entry.version, "note": "  "})
    assert no_reason.status_code == 422 and "Comment: say what to change" in _text(no_reason)
    sent = client.post(f"{base}/send-back", data={"version": entry.version,
                                                   "note": "Add the number of returnees and the dates."})
    assert sent.status_code == 302
    db.session.refresh(signoff.work_of(entry))
    assert signoff.work_of(entry).state == SignOff.returned
    auth.logout()

    auth.login("contributor_al")
    page = _text(client.get(base))
    assert "Sent back by the coordinator" in page and "Add the number of returnees and the dates." in page
    client.post(base, data={"version": entry.version, "status": "in_progress", "narrative": "Returnees: 12.",
                            "save": "Save"})
    db.session.refresh(entry)
    client.post(f"{base}/ready", data={"version": entry.version})
    auth.logout()

    auth.login("coordinator_al")
    stale = client.post(f"{base}/accept", data={"version": entry.version - 1})
    assert stale.status_code == 409 and "saved again after you opened the page" in _text(stale)
    assert client.post(f"{base}/accept", data={"version": entry.version}).status_code == 302
    work = db.session.scalar(sa.select(EntryWork).where(EntryWork.entry_id == entry.id))
    assert (work.state, work.accepted_version) == (SignOff.accepted, entry.version)
    steps = [n.step for n in db.session.scalars(sa.select(PartnerNote).where(PartnerNote.entry_id == entry.id)
                                                .order_by(PartnerNote.id))]
    assert steps == [SignOff.ready, SignOff.returned, SignOff.ready, SignOff.accepted]
    # The trail records the steps, never the note's words.
    trail = " ".join(str(e.detail) for e in db.session.scalars(sa.select(AuditEvent)))
    assert "entry.send_back" in " ".join(db.session.scalars(sa.select(AuditEvent.action)))
    assert "returnees and the dates" not in trail

    # Saving without a change keeps the acceptance; editing the text undoes it.
    client.post(base, data={"version": entry.version, "status": "in_progress", "narrative": "Returnees: 12.",
                            "save": "Save"})
    db.session.refresh(work)
    assert work.state == SignOff.accepted
    db.session.refresh(entry)
    client.post(base, data={"version": entry.version, "status": "in_progress", "narrative": "Returnees: 14.",
                            "save": "Save"})
    db.session.refresh(work)
    assert (work.state, work.accepted_version) == (SignOff.open, None)


def test_a_contributor_marks_ready_only_what_is_theirs_or_nobodys(app, users, auth, client):
    rnd = make_round()
    report = report_of(rnd, "AL")
    theirs, nobodys = _entry(report, 0), _entry(report, 1)
    assignments.assign(theirs, users.coordinator_al, assignee_id=users.coordinator_al.id, institution_id=None,
                       due_on=None)
    db.session.commit()
    auth.login("contributor_al")
    assert client.post(f"/reports/{report.id}/entries/{theirs.id}/ready", data={}).status_code == 403
    assert client.post(f"/reports/{report.id}/entries/{nobodys.id}/ready", data={}).status_code == 302


def test_the_commission_never_reaches_the_partners_work(app, users, auth, client):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    entry = _entry(report)
    signoff.take_step(entry, "ready", users.contributor_al)
    signoff.take_step(entry, "send_back", users.coordinator_al, note="Internal to Albania: redo it.")
    db.session.commit()
    submit(report, users.coordinator_al)
    base = f"/reports/{report.id}/entries/{entry.id}"
    for key in ("reviewer", "secretariat", "coordinator_rs"):
        auth.login(key)
        missing = client.get("/reports/987654/board")
        board = client.get(f"/reports/{report.id}/board")
        assert board.status_code == 404 and board.data == missing.data, key
        for step in ("ready", "accept", "send-back", "assignment"):
            assert client.post(f"{base}/{step}", data={"note": "x"}).status_code == 404, (key, step)
        assert "Internal to Albania" not in _text(client.get(f"/review/reports/{report.id}/entries/{entry.id}"))
        auth.logout()


# --- submission ----------------------------------------------------------------------------------------

def test_submission_lists_the_entries_not_accepted_and_still_goes_through(app, users, auth, client):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    for entry in report.entries[1:]:
        signoff.take_step(entry, "ready", users.coordinator_al)
        signoff.take_step(entry, "accept", users.coordinator_al, version=entry.version)
    db.session.commit()
    first = _entry(report)
    auth.login("coordinator_al")
    page = re.sub(r"<[^>]+>", "", _text(client.get(f"/reports/{report.id}/submit")))
    listed = page[page.index("1 entry is not accepted by the coordinator"):]
    assert f"{entry_label(first)} — Being drafted" in listed
    assert f"{entry_label(_entry(report, 1))} —" not in listed
    form = client.get(f"/reports/{report.id}/submit").get_data(as_text=True)
    confirmed = re.search(r'name="confirmed"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="confirmed"', form)
    done = client.post(f"/reports/{report.id}/submit", data={"state_version": report.state_version,
                                                              "confirmed": confirmed.group(1)})
    assert done.status_code == 302
    db.session.refresh(report)
    assert report.state.value == "submitted"
    # What the Commission reads holds no sign-off at all.
    snapshot = str(report.revisions[-1].snapshot)
    assert "accepted" not in snapshot and "ready" not in snapshot


# --- a status lower than in the previous round ------------------------------------------------------------

def _two_rounds(users):
    one = make_round("Round 2025", document_number="ST 2025")
    one.period_start, one.period_end = dt.date(2024, 7, 1), dt.date(2025, 6, 30)
    db.session.commit()
    before = fill_report(report_of(one, "AL"), status=EntryStatus.achieved)
    submit(before, users.coordinator_al)
    approve(before, users.reviewer)
    two = make_round("Round 2026", document_number="ST 2026")
    return fill_report(report_of(two, "AL"), status=EntryStatus.achieved)


def test_a_lower_status_than_last_round_needs_a_reason_at_submission(app, users, auth, client):
    report = _two_rounds(users)
    entry = _entry(report)
    entry.status = EntryStatus.planned
    _entry(report, 1).status = EntryStatus.not_applicable  # not a step of the scale: its own justification
    _entry(report, 1).na_justification = "Abolished by law."
    db.session.commit()
    missing = completeness.missing_items(report)
    assert [(m.key, m.field) for m in missing] == [(entry.key, "lower_status_reason")]
    assert "the status “Planned” is lower than “Achieved”, approved in the previous round" in missing[0].message

    auth.login("coordinator_al")
    overview = _text(client.get(f"/reports/{report.id}/submit"))
    assert "lower than “Achieved”" in overview
    try:
        submit(report, users.coordinator_al)
        raise AssertionError("submitted without a reason")
    except IncompleteReport:
        db.session.rollback()
    report = db.session.get(Report, report.id)
    assert report.state.value == "draft"

    entry = _entry(report)
    client.post(f"/reports/{report.id}/entries/{entry.id}", data={
        "version": entry.version, "status": "planned", "narrative": "Postponed.", "save": "Save",
        "lower_status_reason": "The strategy was withdrawn by the new government; a new one is planned."})
    db.session.refresh(entry)
    assert entry.lower_status_reason.startswith("The strategy was withdrawn")
    assert completeness.missing_items(report) == []
    submit(report, users.coordinator_al)
    snapshot_entry = next(e for e in report.revisions[-1].snapshot["entries"] if e["key"] == entry.key)
    assert snapshot_entry["lower_status_reason"].startswith("The strategy was withdrawn")  # the Commission reads it
    auth.logout()
    auth.login("reviewer")
    review = _text(client.get(f"/review/reports/{report.id}/entries/{entry.id}"))
    assert "Why the status is lower than in the previous round" in review and "strategy was withdrawn" in review


def test_a_higher_or_equal_status_needs_no_reason(app, users):
    report = _two_rounds(users)
    assert completeness.missing_items(report) == []
    assert completeness.lower_status(_entry(report), EntryStatus.not_applicable) is False
    assert completeness.lower_status(_entry(report), None) is False


# --- who hears of it ---------------------------------------------------------------------------------------

def test_the_party_hears_of_each_step_and_only_the_party(app, users, auth, client):
    from ctportal.models import Notification, OutgoingMail
    rnd = make_round()
    report = report_of(rnd, "AL")
    entry = _entry(report)
    due = dt.date.today() + dt.timedelta(days=5)
    base = f"/reports/{report.id}/entries/{entry.id}"
    auth.login("coordinator_al")
    client.post(f"{base}/assignment", data={"assignee_id": users.contributor_al.id, "due_on": due.isoformat()})
    auth.logout()
    auth.login("contributor_al")
    client.post(f"{base}/ready", data={"version": entry.version})
    auth.logout()
    auth.login("coordinator_al")
    client.post(f"{base}/send-back", data={"version": entry.version, "note": "Add the 2026 figures, please."})

    def mails(user):
        return [m for m in db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.recipient == user.email)
                                              .order_by(OutgoingMail.id))]
    to_contributor = mails(users.contributor_al)
    assert [m.subject.split(":")[0] for m in to_contributor] == ["Assigned to you", "Sent back to you"]
    assert "Add the 2026 figures, please." in to_contributor[1].body
    assert "seen only inside your party" in to_contributor[1].body and f"/reports/{report.id}/entries/" in \
        to_contributor[1].body
    assert [m.subject.split(":")[0] for m in mails(users.coordinator_al)] == ["Ready for you to accept"]
    outsiders = [users.reviewer.id, users.secretariat.id, users.coordinator_rs.id, users.observer.id]
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id.in_(outsiders))) == 0
