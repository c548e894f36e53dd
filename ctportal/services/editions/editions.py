"""Compiling the consolidated PDF: editions, the background job, progress, superseding, retries.

An edition (CompiledReport) is made in the request ("queued"), then built by a job on the queue
(ctportal.infra.jobs): never inside a web request. The job commits its progress in short transactions
so the page polling it sees each step and SQLite is never locked for long. A failed edition keeps
its error; earlier editions stay downloadable; "Compile" again is the retry. An edition is
immutable once done: its file, SHA-256, page count and the exact revisions it contains.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from flask import current_app

from ctportal.domain.errors import DomainError
from ctportal.domain import parties
from ctportal.infra import jobs
from ctportal.models import (CompiledReport, CompiledReportRevision, CompiledReportText, CompileState, Revision, Round,
                             User, db, utcnow)
from ctportal.services import audit
from ctportal.services.operations import heartbeat
from ctportal.services.reporting import follow_ups
from ctportal.infra import storage
from ctportal.domain import stored_text as st

if TYPE_CHECKING:  # the job imports the renderer only when it runs (cache.pool_from_config)
    from ctportal.pdf.renderer import WorkerPool

log = logging.getLogger("ctportal.compile")
ACTIVE = (CompileState.queued, CompileState.running)


class CompileError(DomainError):
    """A compile that may not start; the message says why."""


def editions(rnd: Round) -> list[CompiledReport]:
    return list(db.session.scalars(sa.select(CompiledReport).where(CompiledReport.round_id == rnd.id)
                                   .order_by(CompiledReport.requested_at.desc(), CompiledReport.id.desc())))


def is_stale(edition: CompiledReport) -> bool:
    """A queued or running edition nobody can still be working on (the worker died, the server
    restarted): a running one whose heartbeat stopped, a queued one no worker took for long."""
    if edition.state == CompileState.running:
        return heartbeat.is_silent(edition)
    if edition.state not in ACTIVE:
        return False
    limit = dt.timedelta(seconds=2 * float(current_app.config.get("PDF_RENDER_TIMEOUT_SECONDS", 600)) + 300)
    since = edition.started_at or edition.requested_at
    return since is not None and utcnow() - since > limit


def active_edition(rnd: Round) -> CompiledReport | None:
    """The edition being compiled for this round now, if any (a stale one does not count)."""
    edition = db.session.scalar(sa.select(CompiledReport).where(
        CompiledReport.round_id == rnd.id, CompiledReport.state.in_(ACTIVE)).order_by(CompiledReport.id.desc()))
    return None if edition is None or is_stale(edition) else edition


def latest_done(rnd: Round) -> CompiledReport | None:
    return db.session.scalar(sa.select(CompiledReport).where(
        CompiledReport.round_id == rnd.id, CompiledReport.state == CompileState.done)
        .order_by(CompiledReport.id.desc()).limit(1))


def get_edition(rnd: Round, edition_id: int) -> CompiledReport | None:
    """An edition loaded through its round (never by bare id)."""
    return db.session.scalar(sa.select(CompiledReport).where(
        CompiledReport.id == edition_id, CompiledReport.round_id == rnd.id))


def start_compile(rnd: Round, user: User, *, draft: bool = False) -> CompiledReport:
    """Queue a new edition (a draft one for the parties' fact-check if `draft`), or return the one
    already queued or running for this round.

    The caller commits, then calls `enqueue(edition)`: the job must see the committed row.
    """
    current = active_edition(rnd)
    if current is not None:
        return current
    for stale in db.session.scalars(sa.select(CompiledReport).where(
            CompiledReport.round_id == rnd.id, CompiledReport.state.in_(ACTIVE))):
        stale.state, stale.finished_at, stale.stage = CompileState.failed, utcnow(), st.FAILED
        stale.error = "The compile stopped without finishing (the worker was stopped or the server restarted)."
        audit.record("compile.failed", stale, actor=user, error=stale.error)
    edition = CompiledReport(round_id=rnd.id, state=CompileState.queued, progress=0, stage=st.WAITING,
                             requested_by_id=user.id, requested_at=utcnow(), draft=draft)
    db.session.add(edition)
    db.session.flush()
    audit.record("compile.requested", edition, actor=user, round=rnd.id, draft=draft)
    return edition


def enqueue(edition_id: int) -> None:
    """Hand the (committed) edition to the job queue."""
    compile_job(edition_id)


@jobs.task(priority=jobs.Priority.ASKED_FOR)
def compile_job(edition_id: int) -> None:
    run_compile(edition_id)


def _set(edition_id: int, **values: Any) -> None:
    """One short transaction: progress is visible at once and holds no lock for long."""
    db.session.execute(sa.update(CompiledReport).where(CompiledReport.id == edition_id).values(**values))
    db.session.commit()


def run_compile(edition_id: int, pool: WorkerPool | None = None) -> None:
    """The job: build the edition from the round's approved revisions, recording progress and errors."""
    from ctportal.services.editions.cache import pool_from_config
    from ctportal.services.editions.edition import build_edition
    from ctportal.services.editions import content

    # Claim the edition: of two workers handed the same job, only one moves it out of "queued".
    claimed = cast("sa.CursorResult[Any]", db.session.execute(
        sa.update(CompiledReport).where(CompiledReport.id == edition_id, CompiledReport.state == CompileState.queued)
        .values(state=CompileState.running, started_at=utcnow(), heartbeat_at=utcnow(), progress=1,
                stage=st.STARTING)))
    db.session.commit()
    if claimed.rowcount != 1:
        return
    edition = db.session.get(CompiledReport, edition_id)
    last = {"pct": 1}

    def progress(pct: int, stage: str) -> None:
        pct = max(last["pct"], min(99, pct))
        last["pct"] = pct
        _set(edition_id, progress=pct, stage=stage[:200])

    built = None
    slices: list[str] = []
    try:
        if edition is None:  # as before, the compile fails (it did on None.round_id)
            raise LookupError(f"edition {edition_id} is gone")
        rnd = db.session.get(Round, edition.round_id)
        if rnd is None:  # as before, the compile fails (load_round failed on None)
            raise LookupError(f"the round of edition {edition_id} is gone")
        data = content.load_round(rnd)
        # The texts as loaded, before any commit of the job could reload a newer version of one.
        carried = [(text.id, text.version) for text in data.texts.values()]
        if not data.included:
            raise CompileError(st.NOTHING_TO_COMPILE)
        own_pool = pool is None
        pool = pool or pool_from_config()
        try:
            with heartbeat.Heartbeat(CompiledReport, edition_id):
                draft = edition.draft
                built = build_edition(data, pool, progress=progress, draft=draft,
                                      seal_reason=_seal_reason(edition_id, rnd, draft))
                if draft:  # each party's own part, the only file of the draft a party may read
                    progress(97, st.RENDERING_SLICES)
                    from ctportal.services.editions.factcheck import build_slices
                    slices = [row.stored_name for row in build_slices(_edition(edition_id), data, pool)]
        finally:
            if own_pool:
                pool.close()
        edition = _edition(edition_id)
        edition.stored_name, edition.sha256, edition.size = built.stored_name, built.sha256, built.size
        edition.page_count = built.page_count
        if not edition.draft and data.factcheck is not None:  # the fact-check this final edition follows
            edition.factcheck_draft_id = data.factcheck["draft_id"]
        edition.docx_stored_name, edition.docx_sha256, edition.docx_size = (
            built.docx_stored_name, built.docx_sha256, built.docx_size)
        edition.sealed_by = built.sealed_by
        for revision in built.revisions:
            db.session.add(CompiledReportRevision(compiled_report_id=edition_id, revision_id=revision.id))
        for text_id, version in carried:
            db.session.add(CompiledReportText(compiled_report_id=edition_id, text_id=text_id, version=version))
        edition.state, edition.progress, edition.finished_at = CompileState.done, 100, utcnow()
        edition.stage = st.fill(st.DONE_PAGES, pages=built.page_count)
        # A report reopened while we were building: this edition is already out of date.
        reopened = [r for r in built.revisions if r.report.approved_revision_id != r.id]
        if reopened:
            edition.superseded_at = utcnow()
            edition.superseded_reason = st.REOPENED_WHILE
        db.session.flush()
        audit.record("compile.done", edition, actor=edition_requester(edition), sha256=built.sha256,
                     pages=built.page_count, revisions=[r.id for r in built.revisions],
                     texts=[f"{text_id}v{version}" for text_id, version in carried], docx_sha256=built.docx_sha256)
        if built.sealed_by:
            audit.record("edition.sealed", edition, actor=edition_requester(edition), sha256=built.sha256,
                         seal=built.sealed_by)
        if not edition.draft:  # a draft publishes nothing: no webhook, no follow-up items
            from ctportal.services.messaging import webhooks
            webhooks.edition_compiled(edition)
            # An edition of a closed round is final: its recommendations reach the next round's open reports.
            follow_ups.add_after_final(rnd)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        made = [built.stored_name, built.docx_stored_name] if built is not None else []
        for name in [n for n in made if n] + slices:
            storage.remove("compiled", name)
        log.exception("compile %s failed", edition_id)
        reason = str(exc) if isinstance(exc, CompileError) or exc.__class__.__name__ == "RenderError" else (
            f"{type(exc).__name__}: {exc}")
        edition = _edition(edition_id)
        edition.state, edition.finished_at = CompileState.failed, utcnow()
        edition.error = reason[:2000] or st.COMPILE_FAILED
        edition.stage = st.FAILED
        db.session.flush()
        audit.record("compile.failed", edition, actor=edition_requester(edition), error=edition.error[:300])
        db.session.commit()


def _seal_reason(edition_id: int, rnd: Round, draft: bool) -> str:
    """What the seal says it is (shown by PDF readers; the verification page reads the database)."""
    kind = "Draft edition for the fact-check" if draft else "Edition"
    return f"{kind} {edition_id} of {rnd.document_number}, compiled by the portal"


def _edition(edition_id: int) -> CompiledReport:
    """The edition the job works on; gone (deleted meanwhile), the job fails as it did on None."""
    edition = db.session.get(CompiledReport, edition_id)
    if edition is None:
        raise LookupError(f"edition {edition_id} is gone")
    return edition


def edition_requester(edition: CompiledReport) -> User | None:
    from ctportal.models import User
    return db.session.get(User, edition.requested_by_id)


def supersede_containing(revision: Revision, reason: str, user: User | None) -> list[CompiledReport]:
    """Mark every edition containing this revision superseded (the report was reopened)."""
    found = list(db.session.scalars(
        sa.select(CompiledReport).join(CompiledReportRevision,
                                       CompiledReportRevision.compiled_report_id == CompiledReport.id)
        .where(CompiledReportRevision.revision_id == revision.id, CompiledReport.superseded_at.is_(None))))
    now = utcnow()
    party = parties.display_name(revision.report.party) if revision.report is not None else "a party"
    for edition in found:
        edition.superseded_at = now
        edition.superseded_reason = st.fill(st.REPORT_REOPENED, party=party, number=revision.number,
                                             reason=reason)[:2000]
        audit.record("compile.superseded", edition, actor=user, revision=revision.id)
    db.session.flush()
    return found


def record_download(edition: CompiledReport, user: User, *, kind: str = "pdf") -> None:
    """Every download of an edition is an audit event; `kind` is "pdf" or "docx" (its Word version)."""
    sha = edition.docx_sha256 if kind == "docx" else edition.sha256
    audit.record("editions.download", edition, actor=user, sha256=sha, format=kind)
