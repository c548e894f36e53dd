"""The follow-up processes of a round, recorded by the Commission (issue 15, item 5).

A record says what kind of process it was (a dialogue or visit, a peer-review mission, a meeting of
the Regional Network of P/CVE coordinators or of the WBCTi), its title, date (and last day), place,
participants, the parties it concerned, an outcome summary, internal notes, the plan's action codes
and the recommendations it followed up (of this round or the previous one, addressed to a party
concerned), and a report document checked by content like every upload. Each save is an audit event.

What a party reads of a record is `party_view`: never the participants, the internal notes, another
party or a recommendation not yet published (policy.is_published_text).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask_babel import format_number, gettext, ngettext

from ctportal import policy
from ctportal.domain import parties
from ctportal.domain.errors import DomainError
from ctportal.infra import markdown, storage
from ctportal.models import (CommissionText, Party, ProcessKind, ProcessRecord, Round, RoundState, TextKind, User,
                             db, utcnow)
from ctportal.models.processes import process_record_party
from ctportal.services import audit
from ctportal.services.reporting import documents, previous
from ctportal.services.review.judgement import parse_codes, plan_codes

TITLE_LIMIT = 300
PLACE_LIMIT = 200
PARTICIPANTS_LIMIT = 4_000
SUMMARY_LIMIT = 10_000
NOTES_LIMIT = 10_000


class ProcessError(DomainError):
    """A record that may not be saved as sent; the message names the field."""


@dataclass
class ProcessInput:
    kind: str = ""
    title: str = ""
    held_on: dt.date | None = None
    ends_on: dt.date | None = None
    place: str = ""
    participants: str = ""
    summary: str = ""
    internal_notes: str = ""
    party_codes: list[str] = field(default_factory=list)
    action_codes: str = ""
    recommendations: list[str] = field(default_factory=list)   # "text id:number"
    report_shared: bool = False


@dataclass(frozen=True)
class RecommendationChoice:
    key: str                 # "12:2": recommendation 2 of text 12
    party: Party
    number: int
    body: str
    round_title: str
    text: CommissionText

    @property
    def label(self) -> str:
        return f"{parties.local_name(self.party)} {self.number} ({self.round_title}): {self.body}"


def ref_key(text_id: int, number: int) -> str:
    return f"{text_id}:{number}"


def recommendation_choices(rnd: Round) -> list[RecommendationChoice]:
    """The recommendations a record of this round may name: those of this round's and the previous
    round's partner assessments, in the order partner, round, number."""
    rounds = [r for r in (previous.previous_round(rnd), rnd) if r is not None]
    found = db.session.scalars(sa.select(CommissionText).where(
        CommissionText.round_id.in_([r.id for r in rounds]), CommissionText.kind == TextKind.party))
    titles = {r.id: r.title for r in rounds}
    out = []
    for text in found:
        if text.party is None:
            continue
        for rec in text.recommendations:
            out.append(RecommendationChoice(ref_key(text.id, rec.number), text.party, rec.number, rec.body,
                                            titles[text.round_id], text))
    order = {r.id: i for i, r in enumerate(rounds)}
    out.sort(key=lambda c: (c.party.sort_order, c.party.id, order[c.text.round_id], c.number))
    return out


def _clean(value: str) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _too_long(value: str, limit: int) -> dict[str, str] | None:
    """The message's numbers when `value` is over `limit` characters, else None."""
    return {"limit": format_number(limit), "length": format_number(len(value))} if len(value) > limit else None


def check(rnd: Round, inp: ProcessInput, today: dt.date | None = None) -> tuple[ProcessKind, list[Party], list[str],
                                                                                 list[list[int]]]:
    """The input checked: the kind, the parties, the action codes and the recommendation pairs; a
    ProcessError naming the field otherwise."""
    today = today or dt.date.today()
    try:
        kind = ProcessKind(inp.kind)
    except ValueError:
        raise ProcessError(gettext("Choose the kind of process."), field="kind") from None
    if not _clean(inp.title):
        raise ProcessError(gettext("Give the process a title (for example “Peer-review mission on firearms”)."),
                           field="title")
    if (n := _too_long(_clean(inp.title), TITLE_LIMIT)):
        raise ProcessError(gettext("Keep the title under %(limit)s characters (it has %(length)s).", **n),
                           field="title")
    if inp.held_on is None:
        raise ProcessError(gettext("Enter the date on which it was held."), field="held_on")
    if inp.held_on > today:
        raise ProcessError(gettext("A process is recorded once it was held: the date cannot be later than today."),
                           field="held_on")
    if inp.ends_on is not None and inp.ends_on < inp.held_on:
        raise ProcessError(gettext("The last day cannot be before the first."), field="ends_on")
    if not _clean(inp.place):
        raise ProcessError(gettext("Enter where it was held (a city, or “online”)."), field="place")
    if (n := _too_long(_clean(inp.place), PLACE_LIMIT)):
        raise ProcessError(gettext("Keep the place under %(limit)s characters (it has %(length)s).", **n),
                           field="place")
    if (n := _too_long(_clean(inp.participants), PARTICIPANTS_LIMIT)):
        raise ProcessError(gettext("Keep the participants under %(limit)s characters (they have %(length)s).", **n),
                           field="participants")
    if (n := _too_long(_clean(inp.summary), SUMMARY_LIMIT)):
        raise ProcessError(gettext("Keep the summary under %(limit)s characters (it has %(length)s).", **n),
                           field="summary")
    if (n := _too_long(_clean(inp.internal_notes), NOTES_LIMIT)):
        raise ProcessError(gettext("Keep the internal notes under %(limit)s characters (they have %(length)s).",
                                   **n), field="internal_notes")
    known = {p.code: p for p in db.session.scalars(sa.select(Party))}
    codes = list(dict.fromkeys(inp.party_codes))
    if not codes:
        raise ProcessError(gettext("Choose at least one party it concerned."), field="parties")
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ProcessError(gettext("Choose the parties from the list."), field="parties")
    chosen = [known[c] for c in codes]
    actions = list(dict.fromkeys(parse_codes(inp.action_codes)))
    not_plan = [c for c in actions if c not in plan_codes(rnd)]
    if not_plan:
        raise ProcessError(ngettext("%(codes)s is not an action code of this round's plan.",
                                    "%(codes)s are not action codes of this round's plan.",
                                    len(not_plan), codes=", ".join(not_plan)), field="action_codes")
    offered = {c.key: c for c in recommendation_choices(rnd)}
    pairs = []
    for key in dict.fromkeys(inp.recommendations):
        choice = offered.get(key)
        if choice is None:
            raise ProcessError(gettext("Choose the recommendations from the list."), field="recommendations")
        if choice.party.id not in {p.id for p in chosen}:
            raise ProcessError(gettext("Recommendation %(num)d of %(party)s: add %(party)s to the parties concerned, "
                                       "or leave the recommendation out.", num=choice.number,
                                       party=parties.local_name(choice.party)), field="recommendations")
        pairs.append([choice.text.id, choice.number])
    return kind, chosen, actions, pairs


def save(rnd: Round, user: User, inp: ProcessInput, *, process: ProcessRecord | None = None,
         version: int | None = None, upload: tuple[BinaryIO, str] | None = None,
         today: dt.date | None = None) -> ProcessRecord:
    """Record a new process of the round, or change one; flushes (the caller commits, and removes the
    uploaded file, `report_stored`, if its commit fails). A replaced report's file stays on disk, as a
    replaced document's does; its SHA-256 is in the audit trail."""
    if not policy.may_record_processes(user, rnd):
        raise ProcessError(gettext("The processes of a closed round can no longer be changed."))
    if process is not None and version is not None and version != process.version:
        raise ProcessError(gettext("Someone saved this record after you opened it: reload the page and check "
                                   "their changes."), field="title")
    kind, chosen, actions, pairs = check(rnd, inp, today)
    has_report = bool(process is not None and process.report_stored) or upload is not None
    if inp.report_shared and not has_report:
        raise ProcessError(gettext("Upload the report before sharing it with the parties concerned."),
                           field="report_shared")
    stored = None
    if upload is not None:
        stream, filename = upload
        try:
            stored, sha, size, ftype = documents.store_upload(stream, filename)
        except documents.RejectedFile as exc:
            raise ProcessError(str(exc), field="report") from None
    now = utcnow()
    new = process is None
    if process is None:
        process = ProcessRecord(round_id=rnd.id, recorded_by_id=user.id, recorded_at=now)
        db.session.add(process)
    process.kind, process.title, process.place = kind, _clean(inp.title), _clean(inp.place)
    process.held_on, process.ends_on = inp.held_on, inp.ends_on  # type: ignore[assignment] # check() refused None
    process.participants, process.summary = _clean(inp.participants), _clean(inp.summary)
    process.internal_notes = _clean(inp.internal_notes)
    process.parties = chosen
    process.action_codes, process.recommendations = actions, pairs
    process.report_shared = inp.report_shared
    process.updated_by_id, process.updated_at = user.id, now
    if stored is not None:
        process.report_name, process.report_stored = documents.clean_name(filename, ftype), stored
        process.report_type, process.report_size, process.report_sha256 = ftype.content_type, size, sha
    try:
        db.session.flush()
    except BaseException:
        if stored is not None:
            storage.remove("documents", stored)
        raise
    audit.record("process.recorded" if new else "process.changed", process, actor=user, round=rnd.id,
                 kind=kind.value, parties=[p.code for p in chosen], version=process.version,
                 report_sha256=process.report_sha256 if stored is not None else None)
    return process


def records(rnd: Round | None = None, party: Party | None = None) -> list[ProcessRecord]:
    """The records of a round (or of every round), of one party or all, by date."""
    query = sa.select(ProcessRecord)
    if rnd is not None:
        query = query.where(ProcessRecord.round_id == rnd.id)
    if party is not None:
        query = query.where(ProcessRecord.id.in_(sa.select(process_record_party.c.process_id).where(
            process_record_party.c.party_id == party.id)))
    return list(db.session.scalars(query.order_by(ProcessRecord.held_on, ProcessRecord.id)))


def concerning(party_id: int) -> list[ProcessRecord]:
    """The records that concern a party, in rounds a party sees (open or closed), newest first."""
    query = sa.select(ProcessRecord).join(Round, Round.id == ProcessRecord.round_id).where(
        Round.state != RoundState.draft,
        ProcessRecord.id.in_(sa.select(process_record_party.c.process_id).where(
            process_record_party.c.party_id == party_id)))
    return list(db.session.scalars(query.order_by(ProcessRecord.held_on.desc(), ProcessRecord.id.desc())))


def recommendation_rows(process: ProcessRecord) -> list[dict[str, Any]]:
    """Each recommendation the record names, resolved: party, number, words, round, whether published.
    A pair whose text no longer has that number (the text was rewritten) says so."""
    ids = {tid for tid, _ in process.recommendations}
    texts = {t.id: t for t in db.session.scalars(sa.select(CommissionText).where(CommissionText.id.in_(ids)))} \
        if ids else {}
    rows = []
    for tid, number in process.recommendations:
        text = texts.get(tid)
        rec = next((r for r in text.recommendations if r.number == number), None) if text else None
        if text is None or text.party is None:
            continue
        rnd = text.round
        rows.append({"party": text.party, "number": number, "body": rec.body if rec else "",
                     "codes": list(rec.action_codes) if rec else [], "round": rnd,
                     "published": rec is not None and policy.is_published_text(rnd, text)})
    return rows


def party_view(process: ProcessRecord, party_id: int) -> dict[str, Any]:
    """What a party concerned reads of a record: no participants, no internal notes, no other party,
    only the published recommendations addressed to it."""
    return {"id": process.id, "kind": process.kind, "title": process.title, "held_on": process.held_on,
            "ends_on": process.ends_on, "place": process.place, "round": process.round,
            "summary_html": markdown.render(process.summary), "action_codes": list(process.action_codes),
            "recommendations": [r for r in recommendation_rows(process)
                                if r["party"].id == party_id and r["published"]],
            "report": process.report_name if process.report_shared and process.report_stored else ""}


def record_download(process: ProcessRecord, user: User) -> None:
    audit.record("process.report_downloaded", process, actor=user, round=process.round_id,
                 sha256=process.report_sha256)
