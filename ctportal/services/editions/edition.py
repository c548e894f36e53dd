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
from ctportal.services.editions import content
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


@dataclass
class Plan:
    """Every part of an edition, rendered (or found cached), in order, and the joined whole's key."""
    parts: list[Part]
    furniture: Part
    title: str

    @cached_property
    def whole(self) -> Part:
        """The assembled edition as one cached file: same parts, same furniture, same title —
        the same bytes, so a compile after the approval's pre-render only copies it."""
        key = content.cache_key("edition", {"parts": [p.key for p in self.parts], "furniture": self.furniture.key,
                                            "title": self.title})
        return Part("edition", key, "", {}, "the assembled edition", pages=sum(p.pages for p in self.parts))


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
    return Plan([front, *parts], furniture, DRAFT_TITLE + title if draft else title)


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
                                   continued={i for i, p in enumerate(plan.parts) if p.continues})
            row = _store(whole, out)
        db.session.commit()
    return storage.path_for("parts", row.stored_name)


def build_edition(data: content.RoundData, pool: WorkerPool, *, issued_on: dt.date | None = None,
                  progress: Progress | None = None, draft: bool = False) -> Built:
    """The whole consolidated PDF for the round's approved revisions, stored under 'compiled'
    (a draft edition: DRAFT on every page and in its title)."""
    plan = render_parts(data, pool, issued_on=issued_on, progress=progress, draft=draft)
    source = assembled(plan, progress)
    with source.open("rb") as fh:  # the edition keeps its own file: pruning the cache never touches it
        name, sha, size = storage.write_atomically("compiled", storage.read_chunks(fh), "pdf")
    return Built(name, sha, size, plan.whole.pages, data.revisions)


def prerender_edition(data: content.RoundData, pool: WorkerPool) -> None:
    """Everything the next compile of the round would render and assemble, done now (after an
    approval, in the background), so that compile only copies the file."""
    if data.included:
        assembled(render_parts(data, pool))
