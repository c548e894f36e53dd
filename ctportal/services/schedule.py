"""The periodic work of the job queue: no cron needed (`flask send-reminders` and `prune-parts`
stay for those who prefer it).

| task | when (UTC) | what |
|---|---|---|
| `daily_reminders` | every day at REMINDER_HOUR:00 | deadline reminders (services/desk/reminders.py) |
| `weekly_prune` | Sundays 03:30 | cached PDF parts unused for 30 days; old run records |
| `mail_retries` | every 5 minutes | mail whose delivery failed earlier is tried again |
| `silent_jobs` | every minute | jobs whose worker died are marked failed (heartbeat.py) |
| `daily_drafts` | every day at 04:10 | unsaved entry drafts older than a day (reporting/drafts.py) |

They run in the embedded consumer (the web process, `make run`) and in every `flask jobs-worker`.
With two job servers both schedulers queue each task; `claim_run` records (name, period) under a
unique key, so exactly one runs it for each day, week or slot and the others skip — and the
reminders keep their own once-per-deadline record besides.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import sqlalchemy as sa
from huey import crontab
from sqlalchemy.exc import IntegrityError

from ctportal.infra import jobs
from ctportal.models import ScheduledRun, db, utcnow

log = logging.getLogger("ctportal.schedule")
PRUNE_PARTS_DAYS = 30
KEEP_RUN_RECORDS_DAYS = 14


def now() -> dt.datetime:
    """The scheduler's clock (naive UTC); the tests freeze it."""
    return utcnow()


def claim_run(name: str, period: str) -> ScheduledRun | None:
    """Record that this job server runs `name` for `period`; None if another one already does."""
    row = ScheduledRun(name=name, period=period, started_at=now())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        db.session.rollback()
        return None
    db.session.commit()  # claimed: every other job server sees it from now on
    return row


def run_once(name: str, period: str, body: Callable[[], str]) -> str | None:
    """Run `body` unless this period's run was claimed already; returns its outcome, or None."""
    row = claim_run(name, period)
    if row is None:
        log.info("%s for %s: already run by another job server, skipped", name, period)
        return None
    try:
        outcome = body()
    except Exception:
        db.session.rollback()
        db.session.delete(db.session.get(ScheduledRun, row.id))  # the retry may claim it again
        db.session.commit()
        raise
    claimed = db.session.get(ScheduledRun, row.id)
    assert claimed is not None  # claimed and committed above; only a failed body deletes it
    claimed.finished_at, claimed.outcome = now(), outcome[:300]
    db.session.commit()
    log.info("%s for %s: %s", name, period, outcome)
    return outcome


def _reminder_hour(ts: dt.datetime) -> bool:
    return ts.minute == 0 and ts.hour == int(jobs.config().get("REMINDER_HOUR", 6))


@jobs.periodic_task(_reminder_hour, retries=3, retry_delay=600)
def daily_reminders() -> str | None:
    from ctportal.services.desk.reminders import send_reminders

    today = now().date()

    def body() -> str:
        result = send_reminders(today)
        db.session.commit()
        return f"{len(result.sent)} reminder(s) sent, {result.skipped} already sent before"
    return run_once("reminders", today.isoformat(), body)


@jobs.periodic_task(crontab(day_of_week="0", hour="3", minute="30"), retries=2, retry_delay=600)
def weekly_prune() -> str | None:
    from ctportal.services.editions.prune import prune_parts

    year, week, _ = now().isocalendar()

    def body() -> str:
        pruned = prune_parts(PRUNE_PARTS_DAYS)
        old = sa.delete(ScheduledRun).where(
            ScheduledRun.started_at < now() - dt.timedelta(days=KEEP_RUN_RECORDS_DAYS))
        db.session.execute(old)
        db.session.commit()
        return f"{pruned.parts} part(s) removed, {pruned.bytes} bytes"
    return run_once("prune", f"{year}-W{week:02d}", body)


@jobs.periodic_task(crontab(minute="*/5"))
def mail_retries() -> str | None:
    from ctportal.services.messaging.mail import deliver_pending

    slot = now().replace(second=0, microsecond=0)
    slot = slot.replace(minute=slot.minute - slot.minute % 5)
    return run_once("mail", slot.isoformat(timespec="minutes"), lambda: f"{deliver_pending()} mail(s) sent")


@jobs.periodic_task(crontab())
def silent_jobs() -> str | None:
    from ctportal.services.operations.heartbeat import fail_silent_jobs

    minute = now().replace(second=0, microsecond=0).isoformat(timespec="minutes")

    def body() -> str:
        failed = fail_silent_jobs(now())
        db.session.commit()
        return f"{len(failed)} job(s) failed: worker lost"
    return run_once("silent-jobs", minute, body)


@jobs.periodic_task(crontab(hour="4", minute="10"), retries=2, retry_delay=600)
def daily_drafts() -> str | None:
    """Unsaved drafts are kept a day at most (they are ignored on reading after that, pruned here)."""
    from ctportal.services.reporting.drafts import prune

    def body() -> str:
        removed = prune(now())
        db.session.commit()
        return f"{removed} unsaved draft(s) older than a day removed"
    return run_once("drafts", now().date().isoformat(), body)
