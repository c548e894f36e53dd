"""Rounds on the secretariat's desk: prepare, change, open, close, extend one party's deadline, who is late."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import html

import pytest
import sqlalchemy as sa

from ctportal.models import (AuditEvent, DeadlineExtension, OutgoingMail, Party, PlanVersion, Report,
                             ReportState, Round, RoundState, db)
from ctportal.services.desk import rounds as rounds_service
from tests.factories import fill_report, make_round, report_of, submit
from tests.test_mail_delivery import smtp_inbox  # noqa: F401 - the SMTP test server (aiosmtpd)

TODAY = dt.date.today()


def _form(**overrides):
    version = db.session.scalar(sa.select(PlanVersion.id).where(PlanVersion.code == "jap-2018"))
    data = {"title": "Progress report 2027", "plan_version_id": version, "period_start": "2026-07-01",
            "period_end": "2027-06-30", "submission_deadline": (TODAY + dt.timedelta(days=30)).isoformat(),
            "review_deadline": (TODAY + dt.timedelta(days=60)).isoformat(),
            "meeting_name": "EU-Western Balkans JHA Ministerial Forum", "meeting_place": "Podgorica",
            "meeting_date": (TODAY + dt.timedelta(days=90)).isoformat(), "document_number": "ST 11848/27"}
    data.update(overrides)
    return data


def _party(code):
    return db.session.scalar(sa.select(Party).where(Party.code == code))


def _audit_actions():
    return [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]


def test_secretariat_prepares_a_round_in_draft_that_parties_do_not_see(auth, client, users):
    auth.login("secretariat")
    response = client.post("/rounds/new", data=_form())
    assert response.status_code == 302
    rnd = db.session.scalar(sa.select(Round))
    assert rnd.state == RoundState.draft
    assert (rnd.meeting_place, rnd.document_number) == ("Podgorica", "ST 11848/27")
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0
    assert "round.created" in _audit_actions()
    auth.logout()
    auth.login("reviewer")
    assert client.get(f"/progress/rounds/{rnd.id}").status_code == 404
    assert client.get(f"/exports/rounds/{rnd.id}.xlsx").status_code == 404
    auth.logout()
    auth.login("coordinator_al")
    assert client.get(f"/progress/rounds/{rnd.id}").status_code == 404


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "Enter the round's title."),
    ("period_end", "2026-01-01", "The period cannot end before it starts."),
    ("review_deadline", (TODAY - dt.timedelta(days=1)).isoformat(),
     "The review deadline cannot be before the submission deadline."),
    ("submission_deadline", "31/12/2026", "Write the date as YYYY-MM-DD"),
    ("document_number", "", "Enter the document number"),
])
def test_a_round_form_with_a_mistake_names_the_field_and_saves_nothing(auth, client, field, value, message):
    auth.login("secretariat")
    response = client.post("/rounds/new", data=_form(**{field: value}))
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert f'href="#{field}"' in page
    assert db.session.scalar(sa.select(sa.func.count(Round.id))) == 0


def test_opening_a_round_creates_one_report_per_party(auth, client):
    rnd = make_round(state=RoundState.draft)
    auth.login("secretariat")
    response = client.post(f"/rounds/{rnd.id}/open")
    assert response.status_code == 302
    db.session.refresh(rnd)
    assert rnd.state == RoundState.open and rnd.opened_at is not None
    assert db.session.scalar(sa.select(sa.func.count(Report.id)).where(Report.round_id == rnd.id)) == 9
    assert "round.opened" in _audit_actions()


def test_an_open_round_keeps_its_plan_version_but_its_dates_can_change(auth, client, app):
    rnd = make_round()
    other = _load_revised_plan(app)
    auth.login("secretariat")
    response = client.post(f"/rounds/{rnd.id}/edit", data=_form(plan_version_id=other.id, title=rnd.title))
    assert response.status_code == 200  # the form says no: the version is not among the choices
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(rnd)
    assert rnd.plan_version.code == "jap-2018"
    new_deadline = TODAY + dt.timedelta(days=45)
    response = client.post(f"/rounds/{rnd.id}/edit", data=_form(
        plan_version_id=rnd.plan_version_id, submission_deadline=new_deadline.isoformat()))
    assert response.status_code == 302
    db.session.refresh(rnd)
    assert rnd.submission_deadline == new_deadline
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "round.updated"))
    assert event.detail["changes"]["submission_deadline"][1] == new_deadline.isoformat()
    with pytest.raises(rounds_service.RoundError):
        rounds_service.update_round(rnd, None, plan_version_id=other.id)


def _load_revised_plan(app):
    from ctportal.domain.catalogue import load_catalogue
    from tests.test_plan_versions_desk import revised_catalogue_file
    version = load_catalogue(revised_catalogue_file(app))
    db.session.commit()
    return version


def test_closing_a_round_makes_it_read_only_for_everyone(auth, client, users):
    rnd = make_round()
    report = report_of(rnd, "AL")
    auth.login("secretariat")
    assert client.post(f"/rounds/{rnd.id}/close").status_code == 302
    db.session.refresh(rnd)
    assert rnd.state == RoundState.closed and rnd.closed_at is not None
    # No more changes to the round, its deadlines or its state.
    assert client.get(f"/rounds/{rnd.id}/edit").status_code == 403
    assert client.post(f"/rounds/{rnd.id}/edit", data=_form()).status_code == 403
    assert client.post(f"/rounds/{rnd.id}/extend", data={
        "party_id": report.party_id, "new_deadline": "2030-01-01", "reason": "late"}).status_code == 403
    client.post(f"/rounds/{rnd.id}/close")
    client.post(f"/rounds/{rnd.id}/open")
    db.session.refresh(rnd)
    assert rnd.state == RoundState.closed
    assert db.session.scalar(sa.select(sa.func.count(DeadlineExtension.id))) == 0
    # ...and the party's report is read-only too (the policy follows the round).
    from ctportal.policy import Permission, report_permissions
    perms = report_permissions(users.coordinator_al, report)
    assert Permission.VIEW in perms and Permission.EDIT not in perms and Permission.SUBMIT not in perms


def test_extending_one_partys_deadline_leaves_the_others_alone(auth, client):
    rnd = make_round(deadline_in_days=-3)
    al, rs = _party("AL"), _party("RS")
    auth.login("secretariat")
    new_deadline = TODAY + dt.timedelta(days=14)
    response = client.post(f"/rounds/{rnd.id}/extend", data={
        "party_id": al.id, "new_deadline": new_deadline.isoformat(), "reason": "Parliamentary elections."})
    assert response.status_code == 302
    assert rounds_service.deadline_for(rnd, al.id) == new_deadline
    assert rounds_service.deadline_for(rnd, rs.id) == rnd.submission_deadline
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "round.deadline_extended"))
    assert event.party_id == al.id and event.detail["reason"] == "Parliamentary elections."
    board = {line["party"].code: line for line in rounds_service.status_board(rnd)}
    assert board["AL"]["extended"] and not board["AL"]["late"]
    assert board["RS"]["late"] and board["RS"]["days_left"] == -3


@pytest.mark.parametrize("data, message", [
    ({"reason": ""}, "Give the reason for the extension."),
    ({"new_deadline": (TODAY - dt.timedelta(days=1)).isoformat()}, "The new deadline must be later"),
])
def test_an_extension_needs_a_reason_and_a_later_date(auth, client, data, message):
    rnd = make_round()
    auth.login("secretariat")
    form = {"party_id": _party("AL").id, "new_deadline": (TODAY + dt.timedelta(days=90)).isoformat(),
            "reason": "Because."}
    form.update(data)
    response = client.post(f"/rounds/{rnd.id}/extend", data=form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(DeadlineExtension.id))) == 0


def test_the_status_board_shows_who_is_late(auth, client, users):
    rnd = make_round(deadline_in_days=-2)
    al = report_of(rnd, "AL")
    fill_report(al)
    submit(al, users.coordinator_al)
    fill_report(report_of(rnd, "RS"), limit=5)
    auth.login("secretariat")
    page = client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    assert "8 of 9 parties are late." in page
    assert "2 days late" in page
    assert "Kosovo*" in page
    board = {line["party"].code: line for line in rounds_service.status_board(rnd)}
    assert not board["AL"]["late"] and board["AL"]["state"] == ReportState.submitted
    assert board["RS"]["answered"] == 5 and board["RS"]["last_activity"] is not None


def test_the_status_board_counts_open_review_comments(users):
    from ctportal.models import Comment, Visibility, utcnow
    rnd = make_round()
    report = report_of(rnd, "ME")
    for resolved in (False, False, True):
        db.session.add(Comment(report_id=report.id, author_id=users.reviewer.id, visibility=Visibility.shared,
                               body="Please add dates.", resolved_at=utcnow() if resolved else None))
    db.session.add(Comment(report_id=report.id, author_id=users.reviewer.id, is_system=True, body="Submitted."))
    db.session.commit()
    board = {line["party"].code: line for line in rounds_service.status_board(rnd)}
    assert board["ME"]["open_comments"] == 2
    assert board["AL"]["open_comments"] == 0


def test_a_reminder_from_the_board_goes_to_the_partys_reporters_only(auth, client, users):
    rnd = make_round()
    report = report_of(rnd, "AL")
    auth.login("secretariat")
    response = client.post(f"/rounds/{rnd.id}/reports/{report.id}/remind")
    assert response.status_code == 302
    recipients = set(db.session.scalars(sa.select(OutgoingMail.recipient)))
    assert recipients == {users.coordinator_al.email, users.contributor_al.email}
    assert "report.reminder_sent" in _audit_actions()


def test_no_reminder_for_a_submitted_report_or_through_another_round(auth, client, users):
    rnd = make_round()
    other_round = make_round("Another round", document_number="ST 2/26")
    report = report_of(rnd, "AL")
    fill_report(report)
    submit(report, users.coordinator_al)
    db.session.query(OutgoingMail).delete()
    db.session.commit()
    auth.login("secretariat")
    client.post(f"/rounds/{rnd.id}/reports/{report.id}/remind")
    assert client.post(f"/rounds/{other_round.id}/reports/{report.id}/remind").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) == 0


def test_only_the_secretariat_manages_rounds(auth, client):
    rnd = make_round(state=RoundState.draft)
    for key in ("reviewer", "coordinator_al", "admin"):
        auth.login(key)
        assert client.post(f"/rounds/{rnd.id}/open").status_code in (403, 404)
        assert client.post("/rounds/new", data=_form()).status_code == 403
        auth.logout()
    db.session.refresh(rnd)
    assert rnd.state == RoundState.draft
    assert db.session.scalar(sa.select(sa.func.count(Round.id))) == 1


def test_the_extension_message_writes_the_date_without_a_leading_zero(auth, client):
    rnd = make_round(deadline_in_days=-3)
    al = _party("AL")
    auth.login("secretariat")
    new_deadline = dt.date(TODAY.year + 1, 3, 5)
    response = client.post(f"/rounds/{rnd.id}/extend", data={
        "party_id": al.id, "new_deadline": new_deadline.isoformat(), "reason": "Elections."},
        follow_redirects=True)
    text = response.get_data(as_text=True)
    assert f"is now 5 March {TODAY.year + 1}." in text
    assert "05 March" not in text


def test_the_boards_reminder_is_the_reminder_mail_and_reaches_the_smtp_server(app, auth, client, users,
                                                                               smtp_inbox):  # noqa: F811 - the fixture
    from ctportal.models import Notification
    rnd = make_round(deadline_in_days=5)
    report = report_of(rnd, "AL")
    fill_report(report, limit=2)
    db.session.query(OutgoingMail).delete()
    db.session.commit()
    auth.login("secretariat")
    response = client.post(f"/rounds/{rnd.id}/reports/{report.id}/remind", follow_redirects=True)
    assert "A reminder went to 2 reporters of Albania." in response.get_data(as_text=True)
    assert sorted(e.rcpt_tos[0] for e in smtp_inbox.messages) == sorted(
        [users.coordinator_al.email, users.contributor_al.email])
    parsed = email.message_from_bytes(smtp_inbox.messages[0].content, policy=email.policy.default)
    message = f"Subject: {parsed['Subject']}\n" + parsed.get_content()
    deadline = rounds_service.deadline_for(rnd, report.party_id)
    # The notification template's text, not a hand-built body: greeting, due date, progress, link.
    assert "Subject: Reminder: Albania" in message and "is due in 5 days" in message
    assert "Dear " in message
    assert f"is due on {deadline.day} {deadline:%B %Y}, in 5 days, and has not been submitted yet." in message
    assert f"2 of {len(report.entries)} entries are answered." in message
    assert f"/reports/{report.id}" in message
    # ...and it is in the portal's notifications too, as every reminder is.
    notes = list(db.session.scalars(sa.select(Notification).where(Notification.kind == "reminder")))
    assert {n.user_id for n in notes} == {users.coordinator_al.id, users.contributor_al.id}


def test_the_boards_reminder_leaves_the_daily_reminders_due(app, auth, client, users):
    from ctportal.services.desk import reminders
    rnd = make_round(deadline_in_days=5)
    report = report_of(rnd, "AL")
    auth.login("secretariat")
    client.post(f"/rounds/{rnd.id}/reports/{report.id}/remind")
    daily = {report_id: kind.split(":")[0] for report_id, kind in reminders.send_reminders().sent}
    assert daily[report.id] == "due-7"
