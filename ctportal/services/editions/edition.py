"""Building the consolidated PDF of a round from its parts, reusing every cached part.

An edition is: front (cover, contents, summary) · one part per objective · one annex per party
with an approved report · the annex of supporting documents; then the page furniture is stamped
over the joined parts (pdf/assemble.py). Every part but the front is rendered first (in parallel,
skipping those already cached); their page counts fix where each starts, so the contents page can
print real page numbers. The front is then rendered for its own length F (a fixed point: render
with a guess, re-render with the length it came out at; once cached, found again by trying each
F). Parts are cached by the hash of exactly what they show (content.cache_key).
"""
from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ctportal.infra import storage
from ctportal.models import Revision, db
from ctportal.pdf.assemble import assemble
from ctportal.pdf.renderer import WorkerPool
from ctportal.services.editions import content
from ctportal.services.editions.cache import Part, Progress, ensure_parts
from ctportal.services.editions.parts import body_parts, front_part, furniture_part


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
