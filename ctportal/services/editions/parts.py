"""The parts of an edition: page furniture, one part per objective, one annex per party, the
documents annex, and the front matter (cover, contents, summary) whose contents need the body's
page numbers."""
from __future__ import annotations

import datetime as dt
from typing import Any
from collections.abc import Callable

import sqlalchemy as sa

from ctportal.domain import parties
from ctportal.infra import storage
from ctportal.models import Objective, Party, RenderedPart, db
from ctportal.pdf.assemble import page_link
from ctportal.pdf.html import css_string_body
from ctportal.pdf.renderer import RenderError, WorkerPool
from ctportal.services.editions import content
from ctportal.services.editions.follow_up_part import follow_up_context
from ctportal.services.editions.processes_part import processes_context
from ctportal.services.editions.cache import Part, Progress, _used, ensure_parts

MAX_FRONT_PAGES = 60
FRONT_GUESS = 4  # cover, contents, two pages of summary: right for a full round
OBJECTIVE_BLOCK = 6  # actions per block of an objective part: a few pages each
ANNEX_STABLE = ("label", "party", "party_code")  # what an annex section past the first keeps of the annex


def furniture_part(document_number: str, *, draft: bool = False) -> Part:
    """The page furniture every page carries (document number, LIMITE, EN): one page, laid over
    every page at assembly. It depends on nothing but the document number, so it renders with the
    body and is reused by every edition of the round; the page numbers are drawn at assembly.
    A draft edition's furniture also says DRAFT (its key differs; a final's is as before)."""
    ctx: dict[str, Any] = {"docno_css": css_string_body(document_number)}
    if draft:
        ctx["draft"] = True
    return Part("furniture", content.cache_key("furniture", ctx), "furniture.html", ctx, "page furniture")


def annex_parts(included: content.Included, *, approved: bool = True, originals: bool = False) -> list[Part]:
    """A party's annex as one part per objective section (the first with the annex's heading,
    the last with the documents of the whole report). A corrected entry re-renders its own
    section, a fifth of the annex, and the sections render side by side."""
    revision = included.revision
    if revision is None:  # as before, a party without a revision has no annex (annex_context failed on None)
        raise ValueError(f"{parties.display_name(included.party)} has no revision to make an annex of")
    ctx = content.annex_context(included.party, revision, included.assessments, approved=approved,
                                originals=originals)
    sections = [ctx["objectives"][i:i + 1] for i in range(len(ctx["objectives"]))] or [[]]
    label = f"{ctx['label']} ({parties.display_name(included.party)})"
    parts = []
    for i, objectives in enumerate(sections):
        last = i == len(sections) - 1
        # A later section holds only what it prints: the revision's number, dates and hash are
        # in the heading, so a new revision of the report leaves unchanged sections cached.
        head = ctx if i == 0 else {k: ctx[k] for k in ANNEX_STABLE}
        section = {**head, "objectives": objectives, "continued": i > 0,
                   "documents": ctx["documents"] if last else []}
        kind = "annex-section" if i else "annex"
        parts.append(Part(kind, content.cache_key(kind, section), "annex.html", section,
                          f"{label}, objective {objectives[0]['number']}" if i else label, revision.id,
                          continues=i > 0))
    return parts


def objective_parts(data: content.RoundData, objective: Objective, *, slice_of: str = "") -> list[Part]:
    """One objective's part as blocks of OBJECTIVE_BLOCK actions (the first with the part's
    heading; each block starts a page). A report approved again changes the rows of the actions
    its corrections touch: only their blocks render again.

    `slice_of` (a party's fact-check part, services/editions/factcheck.py: `data` narrowed to that
    party): only the actions with a row of it, without the objective's overall assessment, the list of
    parties not included or the Commission's per-entry assessments; no part where it has no row."""
    ctx = content.objective_context(data, objective)
    if slice_of:
        ctx = {**ctx, "assessment": None, "missing": [], "slice_of": slice_of,
               "actions": [a for a in ctx["actions"] if a["rows"]]}
        if not ctx["actions"]:
            return []
    actions = ctx["actions"]
    blocks = [actions[i:i + OBJECTIVE_BLOCK] for i in range(0, len(actions), OBJECTIVE_BLOCK)] or [[]]
    label = f"Part {objective.number} (objective {objective.number})"
    parts = []
    for i, block in enumerate(blocks):
        # Which parties are missing is said under the heading: later blocks do not depend on it.
        part = {**ctx, "actions": block, "continued": i > 0, "missing": ctx["missing"] if i == 0 else []}
        kind = "objective-block" if i else "objective"
        parts.append(Part(kind, content.cache_key(kind, part), "objective.html", part,
                          f"{label}, actions {block[0]['code']}–{block[-1]['code']}" if i else label,
                          continues=i > 0))
    return parts


def body_parts(data: content.RoundData) -> list[Part]:
    parts = []
    intro = content.introduction_context(data)
    if intro is not None:
        parts.append(Part("introduction", content.cache_key("introduction", intro), "introduction.html", intro,
                          "the Commission's introduction"))
    for objective in data.objectives:
        parts.extend(objective_parts(data, objective))
    judged = content.judgement_context(data)
    if judged is not None:
        parts.append(Part("judgement", content.cache_key("judgement", judged), "judgement.html", judged,
                          "the Commission's assessment of each partner and its recommendations"))
    followed = follow_up_context(data)
    if followed is not None:
        parts.append(Part("follow_up", content.cache_key("follow_up", followed), "follow_up.html", followed,
                          "the follow-up of the previous round's recommendations"))
    conclusions = content.conclusions_context(data)
    if conclusions is not None:
        parts.append(Part("conclusions", content.cache_key("conclusions", conclusions), "conclusions.html",
                          conclusions, "the Commission's conclusions"))
    for inc in data.included:
        parts.extend(annex_parts(inc))
    ctx = content.documents_context(data)
    parts.append(Part("documents", content.cache_key("documents", ctx), "documents.html", ctx,
                      f"{ctx['label']} (supporting documents)"))
    part = processes_part(data)
    if part is not None:
        parts.append(part)
    return parts


def processes_label() -> str:
    """The annex of follow-up processes comes after the documents' annex (which follows the parties')."""
    return f"Annex {content.ROMAN[len(parties.PARTIES) + 1]}"


def processes_part(data: content.RoundData, party: Party | None = None) -> Part | None:
    """The annex of the round's follow-up processes (of one party's only, for its part of a draft)."""
    ctx = processes_context(data.processes, processes_label(), data.round.id, party)
    if ctx is None:
        return None
    return Part("processes", content.cache_key("processes", ctx), "processes.html", ctx,
                f"{ctx['label']} (follow-up processes)")


def _toc(data: content.RoundData, parts: list[Part], front_pages: int) -> list[dict[str, Any]]:
    toc: list[dict[str, Any]] = [{"label": "Summary", "href": "summary", "sub": False},
           {"label": "Status of the actions by partner", "href": "summary-heatmap", "sub": True},
           {"label": "Actions per objective and party", "href": "summary-counts", "sub": True},
           {"label": "Changes since the previous round", "href": "summary-changes", "sub": True}]
    start: dict[str, int] = {}
    page = front_pages + 1
    for part in parts:
        start[part.key] = page
        page += part.pages
    annexes = {p.revision_id: p for p in parts if p.kind == "annex"}
    for part in parts:
        if part.kind == "introduction":
            toc.append({"label": "Introduction", "page": start[part.key], "sub": False})
        if part.kind == "objective":
            toc.append({"label": f"Part {part.context['number']} — Objective {part.context['number']}: "
                                 f"{_short(part.context['title'])}", "page": start[part.key], "sub": False})
    for part in parts:
        if part.kind == "judgement":
            toc.append({"label": "Assessment of each partner and recommendations", "page": start[part.key],
                        "sub": False})
        if part.kind == "follow_up":
            toc.append({"label": part.context["title"], "page": start[part.key], "sub": False})
        if part.kind == "conclusions":
            toc.append({"label": "Conclusions", "page": start[part.key], "sub": False})
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
        if part.kind == "processes":
            toc.append({"label": f"{part.context['label']} — {part.context['title']}", "page": start[part.key],
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
