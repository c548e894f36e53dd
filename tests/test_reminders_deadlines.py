"""`flask send-reminders`: 14, 7 and 1 days before the deadline, when overdue, late reviews — each once."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ctportal.models import DeadlineExtension, Notification, OutgoingMail, ReminderSent, db
from ctportal.services.desk.reminders import due_kind, send_reminders
from tests.factories import fill_report, make_round, report_of, submit


def _mail_to(address: str) -> list[str]:
    return list(db.session.scalars(sa.select(OutgoingMail.subject).where(OutgoingMail.recipient == address)
                                   .order_by(OutgoingMail.id)))


@pytest.mark.parametrize("days_left, kind", [
    (30, None), (15, None), (14, "due-14"), (8, "due-14"), (7, "due-7"), (2, "due-7"), (1, "due-1"),
    (0, "due-1"), (-1, "overdue"), (-40, "overdue")])
def test_which_reminder_is_due(days_left, kind):
    assert due_kind(days_left) == kind


def test_each_reminder_goes_out_once_to_the_party_that_has_not_submitted(app, users):
    rnd = make_round(deadline_in_days=30)
    deadline = rnd.submission_deadline
    submit(fill_report(report_of(rnd, "RS")), users.coordinator_rs)
    for day in range(31, -3, -1):  # every day from 31 days before the deadline to 2 days after
        send_reminders(deadline - dt.timedelta(days=day))
        send_reminders(deadline - dt.timedelta(days=day))  # a second run the same day sends nothing
        db.session.commit()
    albania = _mail_to(users.coordinator_al.email)
    assert albania == [
        f"Reminder: Albania — {rnd.title} is due in 14 days",
        f"Reminder: Albania — {rnd.title} is due in 7 days",
        f"Reminder: Albania — {rnd.title} is due in 1 day",
        f"Overdue: Albania — {rnd.title}"]
    assert len(_mail_to(users.contributor_al.email)) == 4
    assert _mail_to(users.coordinator_rs.email) == [], "Serbia submitted: no reminders"
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == users.coordinator_al.id, Notification.kind == "reminder")) == 4


def test_an_extended_deadline_earns_its_own_reminders(app, users):
    rnd = make_round(deadline_in_days=5)
    report = report_of(rnd, "AL")
    today = dt.date.today()
    send_reminders(today)
    assert _mail_to(users.coordinator_al.email) == [f"Reminder: Albania — {rnd.title} is due in 5 days"]
    db.session.add(DeadlineExtension(round_id=rnd.id, party_id=report.party_id,
                                     new_deadline=today + dt.timedelta(days=13), reason="Elections",
                                     granted_by_id=users.secretariat.id))
    db.session.commit()
    send_reminders(today)
    send_reminders(today + dt.timedelta(days=6))
    db.session.commit()
    assert _mail_to(users.coordinator_al.email)[1:] == [
        f"Reminder: Albania — {rnd.title} is due in 13 days", f"Reminder: Albania — {rnd.title} is due in 7 days"]
    kinds = set(db.session.scalars(sa.select(ReminderSent.kind).where(ReminderSent.report_id == report.id)))
    assert kinds == {f"due-7:{rnd.submission_deadline}", f"due-14:{today + dt.timedelta(days=13)}",
                     f"due-7:{today + dt.timedelta(days=13)}"}


def test_reviewers_hear_of_reports_waiting_past_the_review_deadline_once(app, users):
    rnd = make_round(deadline_in_days=10)
    report = submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    db.session.execute(sa.delete(OutgoingMail))
    late = rnd.review_deadline + dt.timedelta(days=1)
    send_reminders(rnd.review_deadline)
    assert _mail_to(users.reviewer.email) == []
    send_reminders(late)
    send_reminders(late + dt.timedelta(days=1))
    db.session.commit()
    assert _mail_to(users.reviewer.email) == [f"Review overdue: Albania — {rnd.title}"]
    assert _mail_to(users.reviewer2.email) == [f"Review overdue: Albania — {rnd.title}"]
    assert _mail_to(users.coordinator_al.email) == []
    report.assigned_reviewer_id = users.reviewer2.id
    from tests.factories import request_changes
    request_changes(report, users.reviewer)
    submit(report, users.coordinator_al)
    send_reminders(late + dt.timedelta(days=2))
    db.session.commit()
    assert _mail_to(users.reviewer2.email)[-1].startswith("Review overdue"), "a resubmission earns a new reminder"
    assert len(_mail_to(users.reviewer.email)) == 1, "only the assigned reviewer this time"


def test_the_command_runs_and_reports(runner, app, users):
    rnd = make_round(deadline_in_days=7)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "reminder(s) sent" in result.output and f"due-7:{rnd.submission_deadline}" in result.output
    again = runner.invoke(args=["send-reminders", "--today", dt.date.today().isoformat()])
    assert again.exit_code == 0 and "0 reminder(s) sent" in again.output
