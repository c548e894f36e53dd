"""Building the consolidated PDF of a round from its parts, reusing every cached part.

An edition is: front (cover, contents, summary) · one part per objective · one annex per party
with an approved report · the annex of supporting documents; then the page furniture is stamped
over the joined parts (pdf/assemble.py). Every part but the front is rendered first (in parallel,
skipping those already cached); their page counts fix where each starts, so the contents page can
print real page numbers. The front is then rendered for its own length F (a fixed point: render
with a guess, re-render with the length it came out at; once cached, found again by trying each
F). Parts are cached by the hash of exactly what they show (content.cache_key), and so is the
assembled whole (by the keys of its parts): an approval pre-renders and assembles the edition
the next compile will ask for (hooks.py), and that compile then only copies the file.

The edition's Word version is written from the same parts' contexts and cached beside the
assembled PDF (by the same key), so it is made once per content as well. The PDF the edition keeps
is the assembled file sealed (seal.py): the seal carries a signing time, so it is made by every
compile, and the stored SHA-256 is the sealed file's.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ctportal.infra import storage
from ctportal.models import Revision, db
from ctportal.pdf.assemble import assemble
from ctportal.pdf.renderer import WorkerPool
from ctportal.services.editions import content, docx_edition, seal
from ctportal.services.editions.cache import Part, Progress, _store, cached, ensure_parts, rendered_path, tagged_pdfs
from ctportal.services.editions.parts import body_parts, front_part, furniture_part
from ctportal.domain import stored_text as st


@dataclass
class Built:
    stored_name: str
    sha256: str
    size: int
    page_count: int
    revisions: list[Revision]
    docx_stored_name: str | None = None
    docx_sha256: str | None = None
    docx_size: int | None = None
    sealed_by: str = ""


@dataclass
class Plan:
    """Every part of an edition, rendered (or found cached), in order, and the joined whole's key."""
    parts: list[Part]
    furniture: Part
    title: str
    draft: bool = False
    document_number: str = ""

    @cached_property
    def whole(self) -> Part:
        """The assembled edition as one cached file: same parts, same furniture, same title —
        the same bytes, so a compile after the approval's pre-render only copies it."""
        key = content.cache_key("edition", {"parts": [p.key for p in self.parts], "furniture": self.furniture.key,
                                            "title": self.title, "seal_field": list(seal.FIELD)})
        return Part("edition", key, "", {}, "the assembled edition", pages=sum(p.pages for p in self.parts))

    @cached_property
    def docx(self) -> Part:
        """The edition in Word: the same parts' contexts, so the same key as the whole, and the writer's version."""
        key = content.cache_key("edition-docx", {"whole": self.whole.key, "writer": docx_edition.VERSION})
        return Part("edition-docx", key, "", {}, "the edition in Word")


DRAFT_TITLE = "DRAFT for fact-check — "


def render_parts(data: content.RoundData, pool: WorkerPool, *, issued_on: dt.date | None = None,
                 progress: Progress | None = None, draft: bool = False) -> Plan:
    """Render every part of the round's edition that is not cached yet (the front last: its
    contents page needs every other part's length)."""
    issued_on = issued_on or dt.date.today()
    if draft:  # a draft is the fact-check itself: it records none
        data = dataclasses.replace(data, factcheck=None)
    say = progress or (lambda pct, stage: None)
    say(5, st.COLLECTING)
    parts = body_parts(data)
    furniture = furniture_part(data.round.document_number, draft=draft)
    ensure_parts([*parts, furniture], pool, progress, (10, 80))
    db.session.commit()  # cached parts stay cached even if a later step fails
    say(82, st.RENDERING_FRONT)
    front = front_part(data, parts, issued_on, pool, progress)
    db.session.commit()
    title = f"{data.round.document_number} — {data.round.title}"
    return Plan([front, *parts], furniture, DRAFT_TITLE + title if draft else title, draft=draft,
                document_number=data.round.document_number)


def assembled(plan: Plan, progress: Progress | None = None) -> Path:
    """The joined edition in the parts cache, assembled now unless an earlier run did."""
    whole = plan.whole
    row = cached(whole.key)
    if row is None:
        if progress is not None:
            progress(93, st.fill(st.ASSEMBLING, pages=whole.pages))
        with tempfile.TemporaryDirectory(dir=storage.folder("parts")) as tmp:
            out = Path(tmp) / "out.pdf"
            whole.pages = assemble([rendered_path(p) for p in plan.parts], rendered_path(plan.furniture), out,
                                   title=plan.title, font_cache=storage.folder("parts"), tagged=tagged_pdfs(),
                                   continued={i for i, p in enumerate(plan.parts) if p.continues},
                                   seal_field=seal.FIELD)
            row = _store(whole, out)
        db.session.commit()
    return storage.path_for("parts", row.stored_name)


def assembled_docx(plan: Plan, progress: Progress | None = None) -> Path:
    """The edition in Word in the parts cache, written now unless an earlier run did."""
    part = plan.docx
    row = cached(part.key)
    if row is None:
        if progress is not None:
            progress(95, "Writing the edition in Word")
        data = docx_edition.build_docx([(p.kind, p.context) for p in plan.parts], title=plan.title,
                                       document_number=plan.document_number, draft=plan.draft)
        with tempfile.TemporaryDirectory(dir=storage.folder("parts")) as tmp:
            out = Path(tmp) / "out.docx"
            out.write_bytes(data)
            row = _store(part, out, "docx")
        db.session.commit()
    return storage.path_for("parts", row.stored_name)


def build_edition(data: content.RoundData, pool: WorkerPool, *, issued_on: dt.date | None = None,
                  progress: Progress | None = None, draft: bool = False, seal_reason: str = "") -> Built:
    """The whole consolidated PDF for the round's approved revisions, sealed and stored under
    'compiled' with its Word version (a draft edition: DRAFT on every page and in its title)."""
    plan = render_parts(data, pool, issued_on=issued_on, progress=progress, draft=draft)
    source = assembled(plan, progress)
    word = assembled_docx(plan, progress)
    if progress is not None:
        progress(97, "Sealing the edition")
    reason = seal_reason or f"{plan.title}: an edition compiled by the portal"
    names: list[str] = []
    try:
        with tempfile.TemporaryDirectory(dir=storage.folder("compiled")) as tmp:
            sealed_path = Path(tmp) / "sealed.pdf"
            seal.seal_pdf(source, sealed_path, reason=reason)
            # The edition keeps its own files: pruning the cache never touches them.
            with sealed_path.open("rb") as fh:
                name, sha, size = storage.write_atomically("compiled", storage.read_chunks(fh), "pdf")
            names.append(name)
        with word.open("rb") as fh:
            docx_name, docx_sha, docx_size = storage.write_atomically("compiled", storage.read_chunks(fh), "docx")
        names.append(docx_name)
        sealed_by = seal.seal_subject()
    except BaseException:
        for stored in names:
            storage.remove("compiled", stored)
        raise
    return Built(name, sha, size, plan.whole.pages, data.revisions, docx_name, docx_sha, docx_size, sealed_by)


def prerender_edition(data: content.RoundData, pool: WorkerPool) -> None:
    """Everything the next compile of the round would render and assemble, done now (after an
    approval, in the background), so that compile only copies the file."""
    if data.included:
        plan = render_parts(data, pool)
        assembled(plan)
        assembled_docx(plan)
