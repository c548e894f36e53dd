"""Noticing a background job whose worker died: heartbeats, and failing the silent ones.

A running job (an edition's compile, a party PDF) writes `heartbeat_at` on its row every
JOB_HEARTBEAT_SECONDS from a thread of its own, whatever the render is doing. A job whose worker
was killed (a recycled or crashed process, a lost host) stops beating; `fail_silent_jobs` —
run every minute by the scheduler, and whenever someone looks at the job's progress — marks
each one silent for JOB_STALE_SECONDS failed, with the reason. Nothing stays "running".
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from typing import cast

import sqlalchemy as sa
from flask import current_app

from ctportal.models import CompiledReport, CompileState, PartyPdfJob, db, utcnow

log = logging.getLogger("ctportal.jobs.heartbeat")
JobRow = CompiledReport | PartyPdfJob
JobModel = type[CompiledReport] | type[PartyPdfJob]
JOB_TABLES: tuple[JobModel, ...] = (CompiledReport, PartyPdfJob)


class Heartbeat:
    """`with Heartbeat(CompiledReport, id):` beats for that row while the block runs."""

    def __init__(self, model: JobModel, row_id: int) -> None:
        self.model, self.row_id = model, row_id
        self.every = float(current_app.config["JOB_HEARTBEAT_SECONDS"])
        self.engine = db.engine  # the thread has no app context; it uses its own connections
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{model.__tablename__}-{row_id}",
                                        daemon=True)

    def beat(self) -> None:
        table = sa.Table(self.model.__tablename__, sa.MetaData(), sa.Column("id"), sa.Column("state"),
                         sa.Column("heartbeat_at"))  # a plain Core table: the beat runs on its own connection
        with self.engine.begin() as conn:
            conn.execute(sa.update(table).where(table.c.id == self.row_id, table.c.state == CompileState.running.value)
                         .values(heartbeat_at=utcnow()))

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.beat()
            except Exception as exc:  # noqa: BLE001 - a busy database misses one beat, not the job
                if not self._stop.is_set():
                    log.warning("heartbeat of %s %s missed: %s", self.model.__tablename__, self.row_id,
                                type(exc).__name__)

    def __enter__(self) -> Heartbeat:
        self._thread.start()  # the claim that set the job running wrote the first beat
        return self

    def __exit__(self, *exc: object) -> None:
        # Not joined: on SQLite a beat may be waiting for the write lock the job's own session
        # holds right now, and waiting for that beat here would stall the job for the whole busy
        # timeout (measured: 30 s added to a warm compile). A late beat only touches a running row.
        self._stop.set()


def silence_limit() -> dt.timedelta:
    return dt.timedelta(seconds=float(current_app.config["JOB_STALE_SECONDS"]))


def is_silent(job: JobRow, now: dt.datetime | None = None) -> bool:
    """A running job that has not beaten for the stale limit: its worker is gone."""
    if job.state != CompileState.running:
        return False
    last = job.heartbeat_at or job.started_at
    return last is not None and (now or utcnow()) - last > silence_limit()


def fail_silent_jobs(now: dt.datetime | None = None) -> list[JobRow]:
    """Mark every silent running job failed, with the reason. Flushes; the caller commits."""
    from ctportal.services import audit

    now = now or utcnow()
    failed: list[JobRow] = []
    for model in JOB_TABLES:
        last = sa.func.coalesce(model.heartbeat_at, model.started_at)
        # select() of a union of two model classes types its rows as object: they are that model's rows.
        silent = cast("Iterable[JobRow]", db.session.scalars(sa.select(model).where(
            model.state == CompileState.running, last < now - silence_limit())))
        for job in silent:
            last_beat = job.heartbeat_at or job.started_at
            assert last_beat is not None  # the query's coalesce(...) < limit never matches a NULL
            since = last_beat.strftime("%H:%M:%S UTC")
            job.state, job.finished_at, job.stage = CompileState.failed, now, "Failed"
            job.error = (f"The worker running this job stopped (last sign of life {since}): "
                         "nothing was lost, start it again.")
            audit.record("jobs.worker_lost", job, actor=None, error=job.error)
            failed.append(job)
    db.session.flush()
    if failed:
        log.warning("failed %d job(s) whose worker stopped", len(failed))
    return failed
