"""The periodic tasks of the job queue (services/schedule.py), on a frozen clock:
when each is due, and that two job servers never both run one period's work."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ctportal.infra import jobs
from ctportal.models import (CompiledReport, CompileState, OutgoingMail, RenderedPart, ScheduledRun, db,
                             utcnow)
from ctportal.services import schedule
from tests.factories import make_round


@pytest.fixture
def clock(monkeypatch):
    """The scheduler's clock, frozen; tests move it by setting `clock.now`."""
    class Clock:
        now = dt.datetime(2026, 12, 3, 6, 0)
    frozen = Clock()
    monkeypatch.setattr(schedule, "now", lambda: frozen.now)
    return frozen


def _due(timestamp: dt.datetime) -> set[str]:
    return {task.name for task in jobs.huey.read_periodic(timestamp)}


def test_each_task_is_due_when_documented(app):
    app.config["REMINDER_HOUR"] = 6
    thursday = dt.datetime(2026, 12, 3)
    assert _due(thursday.replace(hour=6)) == {"daily_reminders", "mail_retries", "silent_jobs"}
    assert _due(thursday.replace(hour=6, minute=1)) == {"silent_jobs"}
    assert _due(thursday.replace(hour=7, minute=5)) == {"mail_retries", "silent_jobs"}
    sunday = dt.datetime(2026, 12, 6, 3, 30)
    assert _due(sunday) == {"weekly_prune", "mail_retries", "silent_jobs"}
    assert "weekly_prune" not in _due(sunday + dt.timedelta(days=1))
    app.config["REMINDER_HOUR"] = 9
    assert "daily_reminders" in _due(thursday.replace(hour=9))
    assert "daily_reminders" not in _due(thursday.replace(hour=6))


def _reminder_mail() -> list[tuple[str, str]]:
    db.session.commit()  # the task ran in an app context (and session) of its own: see what it committed
    return [tuple(row) for row in db.session.execute(sa.select(OutgoingMail.recipient, OutgoingMail.subject)
                                                      .where(OutgoingMail.subject.like("Reminder:%"))
                                                      .order_by(OutgoingMail.id))]


def test_two_job_servers_send_a_days_reminders_once(app, users, clock):
    rnd = make_round(deadline_in_days=7)
    clock.now = dt.datetime.combine(rnd.submission_deadline - dt.timedelta(days=7), dt.time(6, 0))
    first = schedule.daily_reminders.call_local()   # job server A's scheduler queued it
    second = schedule.daily_reminders.call_local()  # and so did job server B's
    assert first.startswith("9 reminder(s) sent") and second is None  # one per report of the round
    sent = _reminder_mail()
    assert (users.coordinator_al.email, f"Reminder: Albania — {rnd.title} is due in 7 days") in sent
    assert len(sent) == len(set(sent))  # nobody heard twice
    db.session.commit()
    runs = db.session.scalars(sa.select(ScheduledRun).where(ScheduledRun.name == "reminders")).all()
    assert [(r.period, r.finished_at is not None) for r in runs] == [(clock.now.date().isoformat(), True)]


def test_a_run_claimed_by_another_server_is_skipped_even_unfinished(app, users, clock):
    rnd = make_round(deadline_in_days=7)
    clock.now = dt.datetime.combine(rnd.submission_deadline - dt.timedelta(days=7), dt.time(6, 0))
    db.session.add(ScheduledRun(name="reminders", period=clock.now.date().isoformat(), started_at=clock.now))
    db.session.commit()  # server A is sending them right now
    assert schedule.daily_reminders.call_local() is None
    assert _reminder_mail() == []


def test_the_next_day_runs_again_and_a_deadline_is_reminded_once(app, users, clock):
    rnd = make_round(deadline_in_days=7)
    clock.now = dt.datetime.combine(rnd.submission_deadline - dt.timedelta(days=7), dt.time(6, 0))
    schedule.daily_reminders.call_local()
    clock.now += dt.timedelta(days=1)  # 6 days left: still the 7-day reminder, already sent
    assert schedule.daily_reminders.call_local().startswith("0 reminder(s) sent")
    clock.now += dt.timedelta(days=5)  # 1 day left
    assert schedule.daily_reminders.call_local().startswith("9 reminder(s) sent")
    sent = _reminder_mail()
    assert len(sent) == len(set(sent))
    assert [s for r, s in sent if r == users.coordinator_al.email] == [
        f"Reminder: Albania — {rnd.title} is due in 7 days", f"Reminder: Albania — {rnd.title} is due in 1 day"]


def test_a_failed_run_gives_its_claim_back_for_the_retry(app, users, clock, monkeypatch):
    from ctportal.services.desk import reminders

    make_round(deadline_in_days=7)
    monkeypatch.setattr(reminders, "send_reminders", lambda today: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        schedule.daily_reminders.call_local()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ScheduledRun.id))) == 0
    monkeypatch.undo()
    monkeypatch.setattr(schedule, "now", lambda: clock.now)
    assert schedule.daily_reminders.call_local() is not None


def test_weekly_prune_removes_unused_parts_and_old_run_records(app, users, clock):
    from ctportal.infra import storage
    clock.now = dt.datetime(2026, 12, 6, 3, 30)
    name, sha, _ = storage.write_atomically("parts", [b"%PDF-1.4 old"], "pdf")
    db.session.add(RenderedPart(cache_key="k" * 64, kind="annex", stored_name=name, sha256=sha, page_count=1,
                                created_at=utcnow() - dt.timedelta(days=40), used_at=utcnow() - dt.timedelta(days=40)))
    db.session.add(ScheduledRun(name="mail", period="2026-11-01T00:00", started_at=clock.now - dt.timedelta(days=30)))
    db.session.commit()
    assert schedule.weekly_prune.call_local().startswith("1 part(s) removed")
    assert not storage.path_for("parts", name).exists()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ScheduledRun.id)).where(ScheduledRun.name == "mail")) == 0
    assert schedule.weekly_prune.call_local() is None  # the same week: already done


def test_mail_retries_send_what_failed_before_once_per_slot(app, users, clock):
    db.session.add(OutgoingMail(recipient="someone@example.eu", subject="Earlier", body="b", attempts=1,
                                last_error="SMTPServerDisconnected"))
    db.session.commit()
    clock.now = dt.datetime(2026, 12, 3, 7, 5, 20)
    assert schedule.mail_retries.call_local() == "1 mail(s) sent"
    assert schedule.mail_retries.call_local() is None  # another server, same five minutes
    db.session.commit()
    assert db.session.scalar(sa.select(ScheduledRun.period).where(ScheduledRun.name == "mail")) == "2026-12-03T07:05"


def test_silent_jobs_fails_a_compile_whose_worker_died(app, users, clock):
    rnd = make_round(deadline_in_days=7)
    clock.now = utcnow()
    edition = CompiledReport(round_id=rnd.id, state=CompileState.running, progress=40, stage="Rendering",
                             requested_by_id=users.secretariat.id, started_at=clock.now - dt.timedelta(minutes=3),
                             heartbeat_at=clock.now - dt.timedelta(minutes=2))
    db.session.add(edition)
    db.session.commit()
    assert schedule.silent_jobs.call_local() == "1 job(s) failed: worker lost"
    db.session.commit()
    assert edition.state == CompileState.failed and "worker running this job stopped" in edition.error


def test_the_embedded_consumer_runs_the_periodic_tasks(app):
    app.config.update(JOBS_MODE="embedded", JOB_WORKERS=1)
    jobs.huey.immediate = False
    try:
        consumer = jobs.start_embedded_consumer(app)
        assert consumer.periodic is True and consumer.scheduler.is_alive()
    finally:
        jobs.stop_embedded_consumer()
        jobs.huey.immediate = True
        app.config["JOBS_MODE"] = "immediate"
