"""A party's report PDF, made by a background job (never inside a web request).

The PDF of one revision is cached as a part (party.py), so asking again is instant: the view
sends the cached file at once. Otherwise it asks for a job here and shows its progress, like an
edition's: `request_pdf` returns the job already making that revision's PDF, or queues a new one.
"""
from __future__ import annotations

import logging
from typing import Any, cast

import sqlalchemy as sa

from ctportal.infra import jobs
from ctportal.models import CompileState, PartyPdfJob, Report, Revision, User, db, utcnow
from ctportal.services.operations import heartbeat
from ctportal.domain import stored_text as st

log = logging.getLogger("ctportal.party_pdf")
ACTIVE = (CompileState.queued, CompileState.running)


def get_job(report: Report, job_id: int) -> PartyPdfJob | None:
    """A job loaded through its report (never by bare id)."""
    return db.session.scalar(sa.select(PartyPdfJob).where(PartyPdfJob.id == job_id,
                                                          PartyPdfJob.report_id == report.id))


def request_pdf(report: Report, revision: Revision, user: User) -> tuple[PartyPdfJob, bool]:
    """The job making this revision's PDF: a running one, or a new one (True: queue it after the
    commit with `enqueue`). Flushes."""
    heartbeat.fail_silent_jobs()
    current = db.session.scalar(sa.select(PartyPdfJob).where(
        PartyPdfJob.report_id == report.id, PartyPdfJob.revision_id == revision.id,
        PartyPdfJob.state.in_(ACTIVE)).order_by(PartyPdfJob.id.desc()).limit(1))
    if current is not None:
        return current, False
    job = PartyPdfJob(report_id=report.id, revision_id=revision.id, state=CompileState.queued, progress=0,
                      stage=st.WAITING, requested_by_id=user.id, requested_at=utcnow())
    db.session.add(job)
    db.session.flush()
    return job, True


def enqueue(job_id: int) -> None:
    party_pdf_job(job_id)


@jobs.task(priority=jobs.Priority.ASKED_FOR)
def party_pdf_job(job_id: int) -> None:
    run_party_pdf(job_id)


def _set(job_id: int, **values: Any) -> None:
    db.session.execute(sa.update(PartyPdfJob).where(PartyPdfJob.id == job_id).values(**values))
    db.session.commit()


def run_party_pdf(job_id: int) -> None:
    """The job: render (or find) the PDF, recording progress and any failure on the job."""
    from ctportal.services.editions.cache import pool_from_config
    from ctportal.services.editions.party import build_party_pdf

    claimed = cast("sa.CursorResult[Any]", db.session.execute(
        sa.update(PartyPdfJob).where(PartyPdfJob.id == job_id, PartyPdfJob.state == CompileState.queued)
        .values(state=CompileState.running, started_at=utcnow(), heartbeat_at=utcnow(), progress=5,
                stage=st.RENDERING_REPORT)))
    db.session.commit()
    if claimed.rowcount != 1:
        return  # another worker has it, or it was failed meanwhile
    job = db.session.get(PartyPdfJob, job_id)
    try:
        # Each gone (deleted meanwhile): the job fails, as it did on None before.
        if job is None:
            raise LookupError(f"party PDF job {job_id} is gone")
        report, revision = db.session.get(Report, job.report_id), db.session.get(Revision, job.revision_id)
        if report is None or revision is None:
            raise LookupError(f"the report or revision of party PDF job {job_id} is gone")
        with heartbeat.Heartbeat(PartyPdfJob, job_id), pool_from_config() as pool:
            path = build_party_pdf(report, revision, pool)
        db.session.commit()
        _set(job_id, state=CompileState.done, progress=100, stage=st.DONE, stored_name=path.name,
             finished_at=utcnow())
    except Exception as exc:
        db.session.rollback()
        log.exception("party PDF job %s failed", job_id)
        reason = str(exc) if exc.__class__.__name__ == "RenderError" else f"{type(exc).__name__}: {exc}"
        _set(job_id, state=CompileState.failed, stage=st.FAILED, error=reason[:2000] or st.PDF_FAILED,
             finished_at=utcnow())
