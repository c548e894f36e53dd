"""A party's own report as a PDF (one revision), and pre-rendering an approved revision's annex."""
from __future__ import annotations

import tempfile
from pathlib import Path

from ctportal.domain import parties
from ctportal.domain.formatting import long_date
from ctportal.infra import storage
from ctportal.models import Report, Revision
from ctportal.pdf.assemble import assemble
from ctportal.pdf.renderer import WorkerPool
from ctportal.services.editions import content
from ctportal.services.editions.cache import Part, _store, cached, ensure_parts
from ctportal.services.editions.parts import annex_part, furniture_part


def build_party_pdf(report: Report, revision: Revision, pool: WorkerPool) -> Path:
    """One party's own report (one revision) as a PDF, cached in 'parts'; returns its file."""
    rnd = report.round
    inc = content.Included(report.party, report, revision, content.assessments_of(revision))
    approved = report.approved_revision_id == revision.id
    annex = annex_part(inc, approved=approved)
    tracker = parties.FootnoteTracker()
    cover_ctx = {"title": rnd.title, "document_number": rnd.document_number,
                 "period": f"{long_date(rnd.period_start)} – {long_date(rnd.period_end)}",
                 "party": tracker.mention(report.party), "footnotes": tracker.footnotes,
                 "revision": revision.number, "state": "approved" if approved else "submitted, not approved",
                 "meeting_name": rnd.meeting_name, "meeting_place": rnd.meeting_place,
                 "meeting_date": long_date(rnd.meeting_date)}
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
