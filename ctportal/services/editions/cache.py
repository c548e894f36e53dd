"""The parts cache: a rendered part is stored once under the hash of what it shows, found again by
that key, and rendered (in parallel worker processes) only when it is not cached."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context
from sqlalchemy.exc import IntegrityError

from ctportal.infra import storage
from ctportal.models import RenderedPart, db, utcnow
from ctportal.pdf.html import html
from ctportal.pdf.renderer import RenderResult, RenderTask, WorkerPool
from ctportal.domain import stored_text as st

Progress = Callable[[int, str], None]


def tagged_pdfs() -> bool:
    """PDF_TAGGED: parts rendered tagged and editions made PDF/UA-1 + PDF/A-2a (the default)."""
    return bool(current_app.config.get("PDF_TAGGED", True)) if has_app_context() else True


def pool_from_config() -> WorkerPool:
    """The render processes, for a background job: never inside a web request (only the tests'
    immediate mode runs jobs where they are queued)."""
    cfg = current_app.config
    if has_request_context() and cfg.get("JOBS_MODE") != "immediate":
        raise RuntimeError("PDF renders run in background jobs, never inside a web request")
    return WorkerPool(parallel=int(cfg.get("PDF_PARALLEL_PARTS", 2)),
                      timeout=float(cfg.get("PDF_RENDER_TIMEOUT_SECONDS", 600)),
                      memory_mb=int(cfg.get("PDF_RENDER_MEMORY_MB", 1500)),
                      workdir=storage.folder("parts"), nice=int(cfg.get("PDF_RENDER_NICE", 19)))


@dataclass
class Part:
    kind: str
    key: str
    template: str
    context: dict[str, Any]
    label: str
    revision_id: int | None = None
    path: Path | None = None
    pages: int = 0
    continues: bool = False  # goes on from the part before it: its bookmarks nest under that part's


def rendered_path(part: Part) -> Path:
    """The file of a part `ensure_parts` (or `cached_front`) has filled in."""
    assert part.path is not None, f"part {part.key} used before it was rendered"
    return part.path


def cached(key: str) -> RenderedPart | None:
    part = db.session.scalar(sa.select(RenderedPart).where(RenderedPart.cache_key == key))
    if part is not None and not storage.path_for("parts", part.stored_name).exists():
        return None  # the file went missing: render again (the row is replaced in _store)
    if part is not None:
        _used(part)
    return part


def _used(part: RenderedPart) -> None:
    """Note the use (to the hour is enough), so `flask prune-parts` keeps what is still used."""
    now = utcnow()
    if part.used_at is None or now - part.used_at > dt.timedelta(hours=1):
        part.used_at = now


def _store(part: Part, rendered_path: Path, extension: str = "pdf") -> RenderedPart:
    with rendered_path.open("rb") as fh:
        name, sha, _ = storage.write_atomically("parts", storage.read_chunks(fh), extension)
    rendered_path.unlink(missing_ok=True)
    stale = db.session.scalar(sa.select(RenderedPart).where(RenderedPart.cache_key == part.key))
    if stale is not None:  # its file is gone; the key is unique, so the row makes way
        db.session.delete(stale)
        db.session.flush()
    row = RenderedPart(cache_key=part.key, revision_id=part.revision_id, kind=part.kind, stored_name=name,
                       sha256=sha, page_count=part.pages)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # another build stored the same part meanwhile: use theirs
        storage.remove("parts", name)
        theirs = db.session.scalar(sa.select(RenderedPart).where(RenderedPart.cache_key == part.key))
        if theirs is None:  # as before, the caller fails (it did on None.stored_name)
            raise LookupError(f"the rendered part {part.key} was stored and then removed") from None
        row = theirs
    return row


def ensure_parts(parts: list[Part], pool: WorkerPool, progress: Progress | None = None,
                 span: tuple[int, int] = (0, 100)) -> None:
    """Fill in path and pages of every part, rendering (in parallel) only those not cached."""
    todo = []
    for part in parts:
        row = cached(part.key)
        if row is not None:
            part.path, part.pages = storage.path_for("parts", row.stored_name), row.page_count
        else:
            todo.append(part)
    if not todo:
        return
    # End the transaction before rendering: on SQLite a job's (or a download's) transaction holds
    # the write lock, and nobody should wait seconds for a render to let them save.
    db.session.commit()
    pool.start(len(todo))  # the workers warm up while the HTML is made
    by_key = {p.key: p for p in todo}
    done = 0

    def on_done(task: RenderTask, result: RenderResult) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            lo, hi = span
            progress(lo + (hi - lo) * done // len(todo), st.fill(st.RENDERED_PART, done=done, count=len(todo)))

    if progress is not None:
        progress(span[0], st.fill(st.RENDERING_PARTS, count=len(todo)))
    # The furniture is laid over every page as an artifact (ctportal/pdf/structure.py): no tags.
    tagged = tagged_pdfs()
    results = pool.render_all([RenderTask(p.key, html(p.template, p.context), p.label,
                                          tagged=tagged and p.kind != "furniture") for p in todo], on_done)
    for key, result in results.items():
        part = by_key[key]
        part.pages = result.pages
        row = _store(part, result.path)
        part.path = storage.path_for("parts", row.stored_name)
