"""The fact-check of a draft edition (issue 15, item 4).

A draft edition is compiled like a final one (DRAFT on every page) and, in the same job, each
included party's own part is rendered as a file of its own: a cover, the rows of the objective
parts about that party (its status and key progress per action, with the plan's words), the
Commission's approved assessment and recommendations addressed to that party (what the final
edition will show it), and its annex — without the Commission's per-entry assessments, which stay internal
(policy.may_see_assessment). Nothing of another party and no unapproved text is read: the part is
made from that party's `Included` alone and the round's *approved* texts (content.load_round).
The secretariat opens a period (an end date); until it ends the party's coordinator sends factual
corrections, listed per party for the secretariat.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext

from ctportal.domain import parties
from ctportal.domain.errors import DomainError
from ctportal.domain.formatting import long_date
from ctportal.infra import storage
from ctportal.models import (CompiledReport, FactcheckCorrection, FactcheckSlice, Party, User, db, utcnow)
from ctportal.pdf.assemble import assemble
from ctportal.pdf.renderer import WorkerPool
from ctportal.services import audit
from ctportal.services.editions import content
from ctportal.services.editions.cache import Part, ensure_parts, rendered_path
from ctportal.services.editions.parts import annex_parts, furniture_part, objective_parts, processes_part

MAX_CORRECTION = 4000


class FactcheckError(DomainError):
    """A fact-check step refused; the message names the field and what is wrong."""


def slice_parts(data: content.RoundData, inc: content.Included) -> list[Part]:
    """One party's part of the draft: cover, its rows of the objective parts, its own assessment and
    recommendations, its annex."""
    rnd = data.round
    assert inc.revision is not None  # only included parties have a part
    tracker = parties.FootnoteTracker()
    cover_ctx = {"title": rnd.title, "document_number": rnd.document_number,
                 "period": f"{long_date(rnd.period_start)} – {long_date(rnd.period_end)}",
                 "party": tracker.mention(inc.party), "footnotes": tracker.footnotes,
                 "revision": inc.revision.number, "state": "DRAFT edition for fact-check, not final",
                 "meeting_name": rnd.meeting_name, "meeting_place": rnd.meeting_place,
                 "meeting_date": long_date(rnd.meeting_date)}
    out = [Part("party-cover", content.cache_key("party-cover", cover_ctx), "party_cover.html", cover_ctx, "cover")]
    # The rows of the objective parts about this party: the round's data narrowed to it (without the
    # per-entry assessments, with the key progress the reviewer edited, as the final edition prints it).
    bare = content.Included(inc.party, inc.report, inc.revision, {}, dict(inc.summaries))
    narrowed = dataclasses.replace(data, parties=[bare])
    for objective in data.objectives:
        out.extend(objective_parts(narrowed, objective, slice_of=parties.display_name(inc.party)))
    # The judgement part of this party alone: the round's data narrowed to it, so another party's
    # assessment cannot be in the context at all.
    own = content.judgement_context(dataclasses.replace(data, parties=[inc]))
    if own is not None:
        out.append(Part("judgement", content.cache_key("judgement", own), "judgement.html", own,
                        f"the Commission's assessment of {parties.display_name(inc.party)}"))
    out.extend(annex_parts(bare))
    own_processes = processes_part(data, inc.party)  # only the records concerning it, its own recommendations
    if own_processes is not None:
        out.append(own_processes)
    return out


def build_slices(edition: CompiledReport, data: content.RoundData, pool: WorkerPool) -> list[FactcheckSlice]:
    """Render and store every included party's part of the draft edition (the job calls this)."""
    furniture = furniture_part(data.round.document_number, draft=True)
    made = []
    for inc in data.included:
        assert inc.revision is not None
        parts = slice_parts(data, inc)
        ensure_parts([*parts, furniture], pool)
        with tempfile.TemporaryDirectory(dir=storage.folder("parts")) as tmp:
            out = Path(tmp) / "out.pdf"
            pages = assemble([rendered_path(p) for p in parts], rendered_path(furniture), out,
                             continued={i for i, p in enumerate(parts) if p.continues},
                             title=f"DRAFT for fact-check — {data.round.document_number} — "
                                   f"{parties.display_name(inc.party)}",
                             font_cache=storage.folder("parts"))
            with out.open("rb") as fh:
                name, sha, _ = storage.write_atomically("compiled", storage.read_chunks(fh), "pdf")
        row = FactcheckSlice(edition_id=edition.id, party_id=inc.party.id, revision_id=inc.revision.id,
                             stored_name=name, sha256=sha, page_count=pages)
        db.session.add(row)
        made.append(row)
    db.session.flush()
    return made


def slice_for(edition: CompiledReport, party_id: int | None) -> FactcheckSlice | None:
    if party_id is None:
        return None
    return db.session.scalar(sa.select(FactcheckSlice).where(FactcheckSlice.edition_id == edition.id,
                                                             FactcheckSlice.party_id == party_id))


def slices(edition: CompiledReport) -> list[FactcheckSlice]:
    return list(db.session.scalars(sa.select(FactcheckSlice).where(FactcheckSlice.edition_id == edition.id)
                                   .order_by(FactcheckSlice.party_id)))


def open_period(edition: CompiledReport, ends_on: dt.date | None, user: User, today: dt.date | None = None) -> None:
    """The secretariat sets (or moves) the last day on which parties may send corrections."""
    today = today or dt.date.today()
    if ends_on is None:
        raise FactcheckError(gettext("Enter the last day on which parties may send corrections."), field="ends_on")
    if ends_on < today:
        raise FactcheckError(gettext("The last day must be today or later."), field="ends_on")
    edition.factcheck_ends_on = ends_on
    audit.record("factcheck.opened", edition, actor=user, ends_on=ends_on.isoformat())
    db.session.flush()


def action_codes(item: FactcheckSlice) -> list[str]:
    """The actions of the party's annex, which a correction may name."""
    from ctportal.models import Revision

    revision = db.session.get(Revision, item.revision_id)
    return [e["action_code"] for e in (revision.snapshot["entries"] if revision is not None else [])]


def add_correction(item: FactcheckSlice, user: User, action_code: str, body: str) -> FactcheckCorrection:
    """A correction by the party's coordinator (the view has asked policy.may_correct_factcheck)."""
    body = (body or "").strip()
    if not body:
        raise FactcheckError(gettext("Write what is wrong in the draft and what is right."), field="body")
    if len(body) > MAX_CORRECTION:
        raise FactcheckError(gettext("Keep the correction under %(limit)s characters (it has %(now)s).",
                                     limit=MAX_CORRECTION, now=len(body)), field="body")
    if action_code and action_code not in action_codes(item):
        raise FactcheckError(gettext("Choose one of the actions of your annex, or General."),
                             field="action_code")
    row = FactcheckCorrection(edition_id=item.edition_id, party_id=item.party_id, action_code=action_code,
                              body=body, author_id=user.id, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("factcheck.correction", row, actor=user, edition=item.edition_id, about=action_code or "general")
    return row


OUTCOMES = ("accepted", "not_accepted")


def get_correction(edition: CompiledReport, correction_id: int) -> FactcheckCorrection | None:
    """A correction loaded through its edition (never by bare id)."""
    return db.session.scalar(sa.select(FactcheckCorrection).where(
        FactcheckCorrection.id == correction_id, FactcheckCorrection.edition_id == edition.id))


def resolve(row: FactcheckCorrection, user: User, outcome: str, reply: str) -> None:
    """The secretariat's answer to a correction (the view has asked policy.may_open_factcheck): accepted,
    or not accepted with the reason; it can be answered again (the last answer stands, each is audited)."""
    reply = (reply or "").strip()
    if outcome not in OUTCOMES:
        raise FactcheckError(gettext("Choose whether the correction is accepted."), field="outcome")
    if outcome == "not_accepted" and not reply:
        raise FactcheckError(gettext("Say why the correction is not accepted."), field="reply")
    if len(reply) > MAX_CORRECTION:
        raise FactcheckError(gettext("Keep the reply under %(limit)s characters (it has %(now)s).",
                                     limit=MAX_CORRECTION, now=len(reply)), field="reply")
    row.outcome, row.reply, row.resolved_by_id, row.resolved_at = outcome, reply, user.id, utcnow()
    db.session.flush()
    audit.record("factcheck.resolved", row, actor=user, edition=row.edition_id, outcome=outcome)


def corrections(edition: CompiledReport, party_id: int | None = None) -> list[FactcheckCorrection]:
    query = sa.select(FactcheckCorrection).where(FactcheckCorrection.edition_id == edition.id)
    if party_id is not None:
        query = query.where(FactcheckCorrection.party_id == party_id)
    return list(db.session.scalars(query.order_by(FactcheckCorrection.party_id, FactcheckCorrection.created_at,
                                                  FactcheckCorrection.id)))


def by_party(edition: CompiledReport) -> list[tuple[Party, list[FactcheckCorrection]]]:
    """Each party with a part in the draft, and the corrections it sent (the secretariat's list)."""
    rows = corrections(edition)
    out = []
    for item in slices(edition):
        party = db.session.get(Party, item.party_id)
        assert party is not None
        out.append((party, [c for c in rows if c.party_id == item.party_id]))
    return out


def open_for(user: User, today: dt.date | None = None) -> list[CompiledReport]:
    """Draft editions whose fact-check is open to this user now (the home page's notice)."""
    from ctportal import policy

    if user.party_id is None:
        return []
    found = db.session.scalars(sa.select(CompiledReport).join(
        FactcheckSlice, FactcheckSlice.edition_id == CompiledReport.id).where(
        FactcheckSlice.party_id == user.party_id, CompiledReport.draft.is_(True),
        CompiledReport.factcheck_ends_on.is_not(None)).order_by(CompiledReport.id.desc()))
    return [e for e in found if policy.may_correct_factcheck(user, e, today)]
