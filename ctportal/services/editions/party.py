"""A party's own report as a PDF (one revision): the party's text, without the Commission's assessment."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import force_locale

from ctportal.domain import parties
from ctportal.domain.formatting import long_date
from ctportal.infra import storage
from ctportal.models import Report, Revision
from ctportal.pdf.assemble import assemble
from ctportal.pdf.renderer import WorkerPool
from ctportal.services.editions import content
from ctportal.services.editions.cache import Part, _store, cached, ensure_parts, rendered_path, tagged_pdfs
from ctportal.services.editions.parts import annex_parts, furniture_part


@dataclass
class PartyPdf:
    """What one revision's PDF is made of, and the cache key of the whole file."""
    cover: Part
    annex: list[Part]
    key: str
    title: str


def party_pdf_plan(report: Report, revision: Revision) -> PartyPdf:
    """The parts of the party's PDF and its key. In English whoever asks (the PDF is "OR. en"): the
    contexts carry state and status names, and a key made in a partner-language request would never
    find the file the job made under English — the download would wait for a job forever."""
    with force_locale("en"):
        return _party_pdf_plan(report, revision)


def _party_pdf_plan(report: Report, revision: Revision) -> PartyPdf:
    rnd = report.round
    # The party's own document: what it submitted, never the Commission's assessment (Commission-only,
    # policy.may_see_assessment). The file is one per revision, whoever asks for it, so it carries
    # none for anyone; the Commission reads its assessments on the review pages and in the edition.
    inc = content.Included(report.party, report, revision, {})
    approved = report.approved_revision_id == revision.id
    annex = annex_parts(inc, approved=approved, originals=True)  # its own-language texts too (issue 17, item 4)
    tracker = parties.FootnoteTracker()
    cover_ctx = {"title": rnd.title, "document_number": rnd.document_number,
                 "period": f"{long_date(rnd.period_start)} – {long_date(rnd.period_end)}",
                 "party": tracker.mention(report.party), "footnotes": tracker.footnotes,
                 "revision": revision.number, "state": "approved" if approved else "submitted, not approved",
                 "meeting_name": rnd.meeting_name, "meeting_place": rnd.meeting_place,
                 "meeting_date": long_date(rnd.meeting_date)}
    cover = Part("party-cover", content.cache_key("party-cover", cover_ctx), "party_cover.html", cover_ctx,
                 "cover")
    whole_key = content.cache_key("party-pdf", {"annex": [p.key for p in annex], "cover": cover.key,
                                                "docno": rnd.document_number})
    return PartyPdf(cover, annex, whole_key, f"{rnd.document_number} — {cover_ctx['party']}")


def cached_party_pdf(report: Report, revision: Revision) -> Path | None:
    """The file of this revision's PDF if it was made before (the usual case), else None."""
    row = cached(party_pdf_plan(report, revision).key)
    return storage.path_for("parts", row.stored_name) if row is not None else None


def build_party_pdf(report: Report, revision: Revision, pool: WorkerPool) -> Path:
    """One party's own report (one revision) as a PDF, cached in 'parts'; returns its file."""
    plan = party_pdf_plan(report, revision)
    row = cached(plan.key)
    if row is not None:
        return storage.path_for("parts", row.stored_name)
    cover, annex = plan.cover, plan.annex
    furniture = furniture_part(report.round.document_number)
    ensure_parts([cover, *annex, furniture], pool)
    whole = Part("party-pdf", plan.key, "", {}, "party PDF", revision.id,
                 pages=cover.pages + sum(p.pages for p in annex))
    with tempfile.TemporaryDirectory(dir=storage.folder("parts")) as tmp:
        out = Path(tmp) / "out.pdf"
        assemble([rendered_path(cover), *(rendered_path(p) for p in annex)], rendered_path(furniture), out,
                 continued={1 + i for i, p in enumerate(annex) if p.continues}, title=plan.title,
                 font_cache=storage.folder("parts"), tagged=tagged_pdfs())
        row = _store(whole, out)
    return storage.path_for("parts", row.stored_name)
