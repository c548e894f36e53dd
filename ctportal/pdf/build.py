"""Building the consolidated PDF (and a party's own PDF) from parts, reusing every cached part.

An edition is: front (cover, contents, summary) · one part per objective · one annex per party
with an approved report · the annex of supporting documents; then the page furniture is stamped
over the joined parts (assemble.py). Every part but the front is rendered first (in parallel,
skipping those already cached); their page counts fix where each starts, so the contents page can
print real page numbers. The front is then rendered for its own length F (a fixed point: render
with a guess, re-render with the length it came out at; once cached, found again by trying each
F). Parts are cached by the hash of exactly what they show (content.cache_key).
"""
from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from flask import current_app
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.exc import IntegrityError

from ctportal import parties
from ctportal.models import RenderedPart, Report, Revision, db, utcnow
from ctportal.pdf import content
from ctportal.pdf.assemble import assemble, page_link
from ctportal.pdf.renderer import RenderError, RenderTask, WorkerPool
from ctportal.services import storage

Progress = Callable[[int, str], None]
MAX_FRONT_PAGES = 60
FRONT_GUESS = 4  # cover, contents, two pages of summary: right for a full round


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(content.PDF_DIR / "templates")),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def html(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(c=context)


def css_string_body(text: str) -> str:
    """Text safe inside a double-quoted CSS string in a <style> element: anything but plain
    letters, digits, space and . , - / : is written as a CSS hex escape (no quote, no "</style>")."""
    return "".join(ch if ch.isalnum() and ch.isascii() or ch in " .,-/:" else f"\\{ord(ch):06x}" for ch in text)


def furniture_part(document_number: str) -> Part:
    """The page furniture every page carries (document number, LIMITE, EN): one page, laid over
    every page at assembly. It depends on nothing but the document number, so it renders with the
    body and is reused by every edition of the round; the page numbers are drawn at assembly."""
    ctx = {"docno_css": css_string_body(document_number)}
    return Part("furniture", content.cache_key("furniture", ctx), "furniture.html", ctx, "page furniture")


def pool_from_config() -> WorkerPool:
    cfg = current_app.config
    return WorkerPool(parallel=int(cfg.get("PDF_PARALLEL_PARTS", 2)),
                      timeout=float(cfg.get("PDF_RENDER_TIMEOUT_SECONDS", 600)),
                      memory_mb=int(cfg.get("PDF_RENDER_MEMORY_MB", 1500)),
                      workdir=storage.folder("parts"))


# --- the part cache ------------------------------------------------------------------------------

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


def _store(part: Part, rendered_path: Path) -> RenderedPart:
    with rendered_path.open("rb") as fh:
        name, sha, _ = storage.write_atomically("parts", storage.read_chunks(fh), "pdf")
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
        row = db.session.scalar(sa.select(RenderedPart).where(RenderedPart.cache_key == part.key))
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

    def on_done(task: RenderTask, result) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            lo, hi = span
            progress(lo + (hi - lo) * done // len(todo), f"Rendered {task.label} ({done} of {len(todo)})")

    if progress is not None:
        progress(span[0], f"Rendering {len(todo)} part(s): " + ", ".join(p.label for p in todo[:4])
                 + ("…" if len(todo) > 4 else ""))
    results = pool.render_all([RenderTask(p.key, html(p.template, p.context), p.label) for p in todo], on_done)
    for key, result in results.items():
        part = by_key[key]
        part.pages = result.pages
        row = _store(part, result.path)
        part.path = storage.path_for("parts", row.stored_name)


# --- the parts of an edition ---------------------------------------------------------------------

def annex_part(included: content.Included, *, approved: bool = True) -> Part:
    ctx = content.annex_context(included.party, included.revision, included.assessments, approved=approved)
    return Part("annex", content.cache_key("annex", ctx), "annex.html", ctx,
                f"{ctx['label']} ({parties.display_name(included.party)})", included.revision.id)


def body_parts(data: content.RoundData) -> list[Part]:
    parts = []
    for objective in data.objectives:
        ctx = content.objective_context(data, objective)
        parts.append(Part("objective", content.cache_key("objective", ctx), "objective.html", ctx,
                          f"Part {objective.number} (objective {objective.number})"))
    for inc in data.included:
        parts.append(annex_part(inc))
    ctx = content.documents_context(data)
    parts.append(Part("documents", content.cache_key("documents", ctx), "documents.html", ctx,
                      f"{ctx['label']} (supporting documents)"))
    return parts


def _toc(data: content.RoundData, parts: list[Part], front_pages: int) -> list[dict[str, Any]]:
    toc = [{"label": "Summary", "href": "summary", "sub": False},
           {"label": "Status of the actions by partner", "href": "summary-heatmap", "sub": True},
           {"label": "Actions per objective and party", "href": "summary-counts", "sub": True},
           {"label": "Changes since the previous round", "href": "summary-changes", "sub": True}]
    start = {}
    page = front_pages + 1
    for part in parts:
        start[part.key] = page
        page += part.pages
    annexes = {p.revision_id: p for p in parts if p.kind == "annex"}
    for part in parts:
        if part.kind == "objective":
            toc.append({"label": f"Part {part.context['number']} — Objective {part.context['number']}: "
                                 f"{_short(part.context['title'])}", "page": start[part.key], "sub": False})
    for inc in data.parties:
        label = f"{content.annex_label(inc.party)} — {parties.display_name(inc.party)}"
        if inc.revision is not None and inc.revision.id in annexes:
            toc.append({"label": label, "page": start[annexes[inc.revision.id].key], "sub": False})
        else:
            toc.append({"label": label + " (no approved report)", "page": None, "sub": False})
    for part in parts:
        if part.kind == "documents":
            toc.append({"label": f"{part.context['label']} — Supporting documents", "page": start[part.key],
                        "sub": False})
    for entry in toc:
        if entry.get("page"):
            entry["link"] = page_link(entry["page"])
    return toc


def _short(text: str, words: int = 14) -> str:
    w = text.split()
    return " ".join(w[:words]) + (" …" if len(w) > words else "")


def front_maker(data: content.RoundData, parts: list[Part], issued_on: dt.date) -> Callable[[int], Part]:
    """A function giving the front matter Part as rendered for a length of F pages.

    Only the contents differ between lengths, so the rest (the summary above all) is built and
    hashed once: finding a cached front means trying every F up to MAX_FRONT_PAGES.
    """
    base = content.front_context(data, issued_on=issued_on, toc=[])
    base_key = content.cache_key("front-base", base)

    def make(front_pages: int) -> Part:
        toc = _toc(data, parts, front_pages)
        key = content.cache_key("front", {"base": base_key, "toc": toc, "front_pages": front_pages})
        return Part("front", key, "front.html", {**base, "toc": toc, "front_pages": front_pages},
                    "cover, contents and summary")
    return make


def cached_front(make: Callable[[int], Part]) -> Part | None:
    """The front matter rendered earlier for exactly these parts; its key names the length it was
    rendered for, and only a render that came out at that length counts."""
    candidates = {make(f).key: f for f in range(1, MAX_FRONT_PAGES + 1)}
    rows = db.session.scalars(sa.select(RenderedPart).where(RenderedPart.cache_key.in_(list(candidates))))
    for row in rows:
        if row.page_count == candidates[row.cache_key] and storage.path_for("parts", row.stored_name).exists():
            _used(row)
            part = make(row.page_count)
            part.path, part.pages = storage.path_for("parts", row.stored_name), row.page_count
            return part
    return None


def front_part(data: content.RoundData, parts: list[Part], issued_on: dt.date, pool: WorkerPool,
               progress: Progress | None = None) -> Part:
    """The front matter, whose contents page needs the body's page numbers.

    Its own length F is a fixed point: render it for a guess of F; if it came out at another
    length, render again for that length.
    """
    make = front_maker(data, parts, issued_on)
    front = cached_front(make)
    if front is not None:
        return front
    guess = FRONT_GUESS
    for _ in range(4):
        front = make(guess)
        ensure_parts([front], pool, progress, (82, 92))
        if front.pages == guess:
            return front
        guess = front.pages
    raise RenderError("the contents pages did not settle on a page count")


@dataclass
class Built:
    stored_name: str
    sha256: str
    size: int
    page_count: int
    revisions: list[Revision]


def _finish(parts: list[Part], furniture: Part, title: str) -> Built:
    with tempfile.TemporaryDirectory(dir=storage.folder("compiled")) as tmp:
        out = Path(tmp) / "out.pdf"
        pages = assemble([p.path for p in parts], furniture.path, out, title=title,
                         font_cache=storage.folder("parts"))
        with out.open("rb") as fh:
            name, sha, size = storage.write_atomically("compiled", storage.read_chunks(fh), "pdf")
    return Built(name, sha, size, pages, [])


def build_edition(data: content.RoundData, pool: WorkerPool, *, issued_on: dt.date | None = None,
                  progress: Progress | None = None) -> Built:
    """The whole consolidated PDF for the round's approved revisions, stored under 'compiled'."""
    issued_on = issued_on or dt.date.today()
    say = progress or (lambda pct, stage: None)
    say(5, "Collecting the approved reports")
    parts = body_parts(data)
    furniture = furniture_part(data.round.document_number)
    ensure_parts([*parts, furniture], pool, progress, (10, 80))
    db.session.commit()  # cached parts stay cached even if a later step fails
    say(82, "Rendering the cover, contents and summary")
    front = front_part(data, parts, issued_on, pool, progress)
    db.session.commit()
    say(93, f"Assembling {front.pages + sum(p.pages for p in parts)} pages")
    built = _finish([front, *parts], furniture, f"{data.round.document_number} — {data.round.title}")
    built.revisions = data.revisions
    return built


def build_party_pdf(report: Report, revision: Revision, pool: WorkerPool) -> Path:
    """One party's own report (one revision) as a PDF, cached in 'parts'; returns its file."""
    rnd = report.round
    inc = content.Included(report.party, report, revision, content.assessments_of(revision))
    approved = report.approved_revision_id == revision.id
    annex = annex_part(inc, approved=approved)
    tracker = parties.FootnoteTracker()
    cover_ctx = {"title": rnd.title, "document_number": rnd.document_number,
                 "period": f"{content.day(rnd.period_start)} – {content.day(rnd.period_end)}",
                 "party": tracker.mention(report.party), "footnotes": tracker.footnotes,
                 "revision": revision.number, "state": "approved" if approved else "submitted, not approved",
                 "meeting_name": rnd.meeting_name, "meeting_place": rnd.meeting_place,
                 "meeting_date": content.day(rnd.meeting_date)}
    cover = Part("party-cover", content.cache_key("party-cover", cover_ctx), "party_cover.html", cover_ctx,
                 "cover")
    whole_key = content.cache_key("party-pdf", {"annex": annex.key, "cover": cover.key,
                                                "docno": rnd.document_number})
    row = cached(whole_key)
    if row is not None:
        return storage.path_for("parts", row.stored_name)
    furniture = furniture_part(rnd.document_number)
    ensure_parts([cover, annex, furniture], pool)
    whole = Part("party-pdf", whole_key, "", {}, "party PDF", revision.id, pages=cover.pages + annex.pages)
    with tempfile.TemporaryDirectory(dir=storage.folder("parts")) as tmp:
        out = Path(tmp) / "out.pdf"
        assemble([cover.path, annex.path], furniture.path, out, title=f"{rnd.document_number} — {cover_ctx['party']}",
                 font_cache=storage.folder("parts"))
        row = _store(whole, out)
    return storage.path_for("parts", row.stored_name)


def prerender_annex(revision: Revision, pool: WorkerPool) -> None:
    """Render an approved revision's annex now, so the next compile finds it cached."""
    report = revision.report
    inc = content.Included(report.party, report, revision, content.assessments_of(revision))
    ensure_parts([annex_part(inc)], pool)
