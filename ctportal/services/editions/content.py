"""What goes into the consolidated PDF, as plain data: one context dict per part.

Everything is read from approved revisions' snapshots (never from drafts) plus the Commission's
assessment (EntryReview) and the plan catalogue. Each part's context is plain JSON; its cache key
is the hash of that JSON and of the templates, CSS and fonts — so a part is re-rendered exactly
when something it shows has changed, and a part made from an approved revision is rendered once.
Internal comments and reviewers' notes are never read here, so they cannot reach the PDF.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.infra import markdown
from ctportal.domain import actors, entry_fields, indicators, languages, parties, plan_words
from ctportal.domain.formatting import iso_long_date, long_date
from ctportal.pdf.html import template_version
from ctportal.services.editions.factcheck_record import factcheck_line, factcheck_record
from ctportal.services.editions.key_progress import key_progress
from ctportal.services.reporting import previous
from ctportal.models import (Action, ActorGroup, CommissionText, EntryReview, EntryStatus, FootnoteRef, LeadIn,
                             Objective, Party, PartyKind, ProcessRecord, Report, Revision, Round, TextKind, TextState,
                             db)

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
STATUS_ORDER = [s.value for s in EntryStatus]


def cache_key(kind: str, context: dict[str, Any]) -> str:
    payload = json.dumps(context, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    from ctportal.services.editions.cache import tagged_pdfs  # (cache imports nothing of this module)

    variant = "" if tagged_pdfs() else "untagged|"  # tagged keys are as they were without the setting
    return hashlib.sha256(f"{template_version()}|{variant}{kind}|{payload}".encode()).hexdigest()


def _status(value: str | None) -> dict[str, str]:
    if not value:
        return {"value": "missing", "title": "Not reported", "symbol": "·"}
    status = EntryStatus(value)
    return {"value": status.value, "title": status.title, "symbol": status.symbol}


# The language of each half of a party's name in its own language(s) ("Kosova / Косово"), so the
# tagged PDF says it (/Lang) and a screen reader does not read Albanian or Cyrillic as English.
NATIVE_LANGS = {"AL": ("sq",), "BA": ("bs", "sr-Cyrl"), "XK": ("sq", "sr-Cyrl"), "ME": ("cnr", "cnr-Cyrl"),
                "MK": ("mk",), "RS": ("sr-Cyrl",)}


def native_names(party: Party) -> list[dict[str, str]]:
    """The party's native name, split at " / ", each half with its language (BCP 47; "" unknown)."""
    halves = [h.strip() for h in (party.native_name or "").split(" / ") if h.strip()]
    langs = NATIVE_LANGS.get(party.code, ())
    return [{"text": h, "lang": langs[i] if i < len(langs) else ""} for i, h in enumerate(halves)]


def annex_label(party: Party) -> str:
    """Stable per party (not per set of included parties), so a party's annex renders once."""
    codes = [p.code for p in parties.PARTIES]
    return f"Annex {ROMAN[codes.index(party.code)]}" if party.code in codes else f"Annex {party.code}"


# --- what the round holds ------------------------------------------------------------------------

@dataclass
class Included:
    party: Party
    report: Report | None
    revision: Revision | None
    assessments: dict[str, str] = field(default_factory=dict)   # entry key -> assessment title
    summaries: dict[str, str] = field(default_factory=dict)     # entry key -> reviewer's key progress

    @property
    def entries(self) -> dict[str, dict[str, Any]]:
        return {e["key"]: e for e in self.revision.snapshot["entries"]} if self.revision else {}


@dataclass
class RoundData:
    round: Round
    parties: list[Included]
    previous_round: Round | None
    previous: dict[int, Revision]  # party id -> approved revision of the previous round
    objectives: list[Objective]
    actions: list[Action]
    # The Commission's approved texts of the round, by slot ("introduction", "objective-3", ...):
    # only approved ones are ever read here, and the edition records which it carried.
    texts: dict[str, CommissionText] = field(default_factory=dict)
    # The follow-up processes recorded for the round (their annex: editions/processes_part.py).
    processes: list[ProcessRecord] = field(default_factory=list)
    # The fact-check a final edition records (front_context's cover line): factcheck_record().
    factcheck: dict[str, Any] | None = None

    @property
    def included(self) -> list[Included]:
        return [p for p in self.parties if p.revision is not None]

    @property
    def missing(self) -> list[Included]:
        return [p for p in self.parties if p.revision is None]

    @property
    def revisions(self) -> list[Revision]:
        return [p.revision for p in self.included if p.revision is not None]  # all of them: `included`


def assessments_of(revision: Revision) -> dict[str, str]:
    rows = db.session.scalars(sa.select(EntryReview).where(EntryReview.revision_id == revision.id))
    return {r.entry_key: r.assessment.title for r in rows if r.assessment is not None}


def summaries_of(revision: Revision) -> dict[str, str]:
    """The key progress reviewers rewrote for the report (not internal: the party's feedback shows it)."""
    rows = db.session.scalars(sa.select(EntryReview).where(EntryReview.revision_id == revision.id,
                                                           EntryReview.report_summary != ""))
    return {r.entry_key: r.report_summary for r in rows}


def load_round(rnd: Round) -> RoundData:
    all_parties = list(db.session.scalars(sa.select(Party).order_by(Party.sort_order, Party.id)))
    reports = {r.party_id: r for r in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id))}
    included = []
    for party in all_parties:
        report = reports.get(party.id)
        revision = report.approved_revision if report is not None else None
        included.append(Included(party, report, revision, assessments_of(revision) if revision else {},
                                 summaries_of(revision) if revision else {}))
    previous_round = previous.previous_round(rnd)
    before = previous.approved_revisions(previous_round)
    objectives = list(db.session.scalars(
        sa.select(Objective).where(Objective.plan_version_id == rnd.plan_version_id).order_by(Objective.number)))
    actions = list(db.session.scalars(
        sa.select(Action).join(Objective).where(Action.plan_version_id == rnd.plan_version_id)
        .order_by(Objective.number, Action.position)))
    group_order = {g: i for i, g in enumerate(ActorGroup)}
    actions.sort(key=lambda a: (a.objective.number, group_order[a.actor_group], a.position))
    texts = {t.slot: t for t in db.session.scalars(sa.select(CommissionText).where(
        CommissionText.round_id == rnd.id, CommissionText.state == TextState.approved))}
    processes = list(db.session.scalars(sa.select(ProcessRecord).where(ProcessRecord.round_id == rnd.id)
                                        .order_by(ProcessRecord.held_on, ProcessRecord.id)))
    return RoundData(rnd, included, previous_round, before, objectives, actions, texts, processes,
                     factcheck_record(rnd))


# --- the parts -----------------------------------------------------------------------------------

def _documents(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": d["original_name"], "title": d.get("title") or "", "date": iso_long_date(d.get("uploaded_at")),
             "sha": (d.get("sha256") or "")[:16], "size": d.get("size") or 0,
             "sensitivity": (d.get("sensitivity") or "").replace("_", " ").upper()} for d in docs]


def _cell(column: entry_fields.Column, value: Any) -> Any:
    if column.date:  # a date (values_of() parses the snapshot's ISO strings)
        return long_date(value) if value else ""
    return value


def _fields(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The entry's filled fields (domain/entry_fields), in order: Markdown as HTML, rows as table cells."""
    out: list[dict[str, Any]] = []
    for shown in entry_fields.shown(entry):
        f = shown.field
        if not shown.value:
            continue
        if isinstance(f, entry_fields.TextField):
            out.append({"label": f.label, "kind": "markdown" if f.markdown else "plain",
                        "html": str(markdown.render(shown.value)) if f.markdown else "",
                        "text": "" if f.markdown else shown.value})
        elif isinstance(f, entry_fields.RowsField):
            out.append({"label": f.label, "kind": "rows", "columns": [c.label for c in f.columns],
                        "rows": [[{"text": _cell(c, row[c.name]), "date": c.date} for c in f.columns]
                                 for row in shown.value]})
    return out


def _originals(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The party's own-language texts of a snapshot entry (issue 17, item 4), each with its language's tag."""
    out = []
    for o in entry_fields.originals(entry):
        language = languages.get(o.language)
        out.append({"label": o.label, "language": language.native_name, "lang": language.html_lang,
                    "html": str(markdown.render(o.text))})
    return out


def annex_context(party: Party, revision: Revision, assessments: dict[str, str], *, approved: bool,
                  originals: bool = False) -> dict[str, Any]:
    """A party's full report as one revision froze it: every entry, measure, legal act and document.
    With `originals` (the party's own PDF, never the consolidated report) the texts it wrote in its own
    language too, beside the English."""
    snapshot = revision.snapshot
    # The plan's words with their footnotes (issue 15, item 7): the actions', their lead-ins' and their
    # objectives' calls, loaded with the actions rather than one action at a time.
    refs = so.selectinload(Action.footnote_refs).joinedload(FootnoteRef.footnote)
    objective_of = so.joinedload(Action.objective)
    actions = {a.id: a for a in db.session.scalars(
        sa.select(Action).where(Action.id.in_({e["action_id"] for e in snapshot["entries"]})).options(
            refs, objective_of.selectinload(Objective.footnote_refs).joinedload(FootnoteRef.footnote),
            objective_of.selectinload(Objective.lead_ins).selectinload(LeadIn.footnote_refs)
            .joinedload(FootnoteRef.footnote)))}
    objectives = {a.objective.number: a.objective for a in actions.values()}
    groups: dict[int, list[dict[str, Any]]] = {}
    introduced: set[tuple[int, str]] = set()
    for e in snapshot["entries"]:
        action = actions.get(e["action_id"])
        # The lead-in of the action's group before the group's first entry in the objective: the
        # plan's partner actions are the ends of its sentence; each with the footnotes it calls.
        words = plan_words.plan_words(action) if action is not None else None
        lead_in = None
        if words is not None and action is not None and e["kind"] != "priority":
            group = (e["objective"], action.actor_group.value)
            if group not in introduced:
                introduced.add(group)
                lead_in = words.lead_in
        groups.setdefault(e["objective"], []).append({
            "lead_in": lead_in.plain() if lead_in is not None else None,
            "key": e["key"], "code": e["action_code"], "kind": e["kind"],
            "action_text": action.text if action else "",
            "words": words.action.plain() if words is not None else None,
            "priority": None if not e.get("priority") else {
                "text": e["priority"]["text"], "target": iso_long_date(e["priority"].get("target_date"))},
            "status": _status(e.get("status")),
            "fields": _fields(e),
            "figures": _entry_figures(e),
            "originals": _originals(e) if originals else [],
            "documents": _documents(e.get("documents") or []),
            "assessment": assessments.get(e["key"], ""),
        })
    return {
        "label": annex_label(party),
        "party": parties.display_name(party), "party_code": party.code,
        "native_name": party.native_name, "native_names": native_names(party),
        "revision": revision.number, "submitted": iso_long_date(revision.created_at.isoformat()),
        "approved": approved, "snapshot_sha": revision.snapshot_sha256[:16],
        "objectives": [{"number": n, "title": objectives[n].title if n in objectives else "",
                        "title_words": plan_words.worded(objectives[n].title, list(objectives[n].footnote_refs)).plain()
                        if n in objectives else None, "entries": groups[n]} for n in sorted(groups)],
        "documents": _documents(snapshot.get("documents") or []),
    }


def objective_context(data: RoundData, objective: Objective) -> dict[str, Any]:
    """Every action of one objective, with each party's status, assessment and key progress; the
    plan's own words around them (the title's and lead-ins' footnotes, each group's lead-in
    before its first action: Objective 4's partner actions continue their lead-in's sentence)."""
    actions = []
    introduced: set[str] = set()
    for action in (a for a in data.actions if a.objective_id == objective.id):
        group = action.actor_group
        words = plan_words.plan_words(action)
        lead_in = None
        if words.lead_in is not None and group.value not in introduced:
            introduced.add(group.value)
            lead_in = words.lead_in.plain()
        reporters = [p for p in data.included if actors.reports_on(p.party, action)]
        rows = []
        for inc in reporters:
            entry = inc.entries.get(action.code)
            if entry is not None:
                rows.append({"party": parties.display_name(inc.party), "priority": None,
                             "status": _status(entry.get("status")),
                             "assessment": inc.assessments.get(entry["key"], ""),
                             "progress": key_progress(entry, inc.summaries.get(entry["key"], ""))})
            for pe in (e for e in inc.entries.values() if e["kind"] == "priority" and e["action_code"] == action.code):
                rows.append({"party": parties.display_name(inc.party),
                             "priority": {"text": pe["priority"]["text"] if pe.get("priority") else "",
                                          "target": iso_long_date((pe.get("priority") or {}).get("target_date"))},
                             "status": _status(pe.get("status")), "assessment": inc.assessments.get(pe["key"], ""),
                             "progress": key_progress(pe, inc.summaries.get(pe["key"], ""))})
        actions.append({"code": action.code, "text": action.text, "words": words.action.plain(), "lead_in": lead_in,
                        "group": group.value, "figures": _figure_totals(action.code, reporters),
                        "group_title": "Contribution of each partner" if group == ActorGroup.joint
                        else group.title, "rows": rows})
    judged = data.texts.get(f"objective-{objective.number}")
    return {"number": objective.number, "title": objective.title, "actions": actions,
            "title_words": plan_words.worded(objective.title, list(objective.footnote_refs)).plain(),
            "missing": [parties.display_name(p.party) for p in data.missing],
            "assessment": None if judged is None else {
                "scale": judged.assessment.title if judged.assessment else "",
                "html": str(markdown.render(judged.body))}}


def _figure_totals(code: str, reporters: list[Included]) -> list[dict[str, Any]]:
    """The action's indicators: each party's actual figure and the total across them (the same
    indicator in the same unit only: domain/indicators.totals); parties that gave no figure left out."""
    per_party = [(parties.display_name(inc.party), {k: e for k, e in inc.entries.items()
                                                     if e["action_code"] == code and e["kind"] != "priority"})
                 for inc in reporters]
    out = []
    for total in indicators.totals(per_party):
        if not total.by_party:
            continue
        names = [p for p in total.parties if p in total.by_party]
        out.append({"name": total.name, "unit": total.unit, "parties": names,
                    "rows": [{"category": "" if c == indicators.TOTAL else indicators.CATEGORY_LABELS[c],
                              "cells": [indicators.shown_number(total.by_party[p].get(c)) for p in names],
                              "total": indicators.shown_number(total.total(c))} for c in total.categories]})
    return out


def _entry_figures(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """An entry's figures for the annex: baseline, target and actual per category."""
    return [{"name": item["name"], "unit": item.get("unit", ""),
             "rows": [{"category": "" if c == indicators.TOTAL else indicators.CATEGORY_LABELS.get(c, c),
                       "cells": [indicators.shown_number(((item.get("values") or {}).get(c) or {}).get(col))
                                 for col in indicators.COLUMN_NAMES]} for c in item.get("categories") or []]}
            for item in entry.get("figures") or [] if indicators.has_figures([item])]


# --- the Commission's texts ----------------------------------------------------------------------

def introduction_context(data: RoundData) -> dict[str, Any] | None:
    text = data.texts.get("introduction")
    return None if text is None else {"html": str(markdown.render(text.body))}


def judgement_context(data: RoundData) -> dict[str, Any] | None:
    """The assessment of each partner with its numbered recommendations."""
    partners = []
    for inc in data.parties:
        text = data.texts.get(f"party-{inc.party.code}")
        if text is None or text.kind != TextKind.party:
            continue
        partners.append({"party": parties.display_name(inc.party), "code": inc.party.code,
                         "scale": text.assessment.title if text.assessment else "",
                         "html": str(markdown.render(text.body)),
                         "recommendations": [{"number": r.number, "body": r.body, "codes": list(r.action_codes)}
                                             for r in text.recommendations]})
    return {"partners": partners} if partners else None


def conclusions_context(data: RoundData) -> dict[str, Any] | None:
    text = data.texts.get("conclusions")
    return None if text is None else {"html": str(markdown.render(text.body))}


def documents_context(data: RoundData) -> dict[str, Any]:
    rows = []
    for inc in data.included:
        assert inc.revision is not None  # `included` holds only parties with an approved revision
        snap = inc.revision.snapshot
        for d in _documents(snap.get("documents") or []):
            rows.append({"party": parties.display_name(inc.party), "entry": "whole report", **d})
        for e in snap["entries"]:
            for d in _documents(e.get("documents") or []):
                rows.append({"party": parties.display_name(inc.party), "entry": e["action_code"], **d})
    return {"label": f"Annex {ROMAN[len(parties.PARTIES)]}", "documents": rows}


def _changes(data: RoundData) -> list[dict[str, Any]]:
    """Status moves per party since its approved report of the previous round."""
    out = []
    for inc in data.included:
        before = data.previous.get(inc.party.id)
        if before is None:
            out.append({"party": parties.display_name(inc.party), "compared": False, "moves": []})
            continue
        old = {e["key"]: e for e in before.snapshot["entries"]}
        moves = []
        for key, e in inc.entries.items():
            o = old.get(key)
            if o is not None and o.get("status") != e.get("status"):
                moves.append({"code": e["action_code"] + (" (priority)" if e["kind"] == "priority" else ""),
                              "from": _status(o.get("status"))["title"], "to": _status(e.get("status"))["title"]})
        out.append({"party": parties.display_name(inc.party), "compared": True, "moves": moves})
    return out


def _counts(data: RoundData) -> list[dict[str, Any]]:
    """One row per party, one cell per objective: how many of its entries there are achieved, of how
    many, and how many stand at each status, in words. "No approved report" and "no action of the
    objective addressed to it" are told apart (a party with nothing to report there is not a 0)."""
    rows = []
    for inc in data.parties:
        cells: list[dict[str, Any]] = []
        for objective in data.objectives:
            codes = {a.code for a in data.actions if a.objective_id == objective.id}
            if inc.revision is None:
                cells.append({"kind": "missing"})
                continue
            tally = {s: 0 for s in STATUS_ORDER}
            entries = [e for e in inc.entries.values() if e["action_code"] in codes]
            for e in entries:
                if e.get("status"):
                    tally[e["status"]] += 1
            if not entries:
                cells.append({"kind": "none"})
                continue
            cells.append({"kind": "counts", "total": len(entries), "achieved": tally["achieved"],
                          "tally": [{"symbol": EntryStatus(s).symbol, "title": EntryStatus(s).title.lower(), "n": n}
                                    for s, n in tally.items() if n and s != "achieved"]})
        rows.append({"party": parties.display_name(inc.party), "cells": cells})
    return rows


def summary_context(data: RoundData) -> dict[str, Any]:
    partners = [p for p in data.parties if p.party.kind == PartyKind.wb_partner]
    heat_actions = [a for a in data.actions if a.actor_group in actors.PARTNER_GROUPS]
    heatmap = []
    for action in heat_actions:
        cells = []
        for inc in partners:
            entry = inc.entries.get(action.code) if inc.revision else None
            cells.append(_status(entry.get("status")) if entry else
                         {"value": "missing", "title": "No approved report" if not inc.revision else "Not reported",
                          "symbol": "·"})
        heatmap.append({"code": action.code, "objective": action.objective.number, "cells": cells})
    counts = _counts(data)
    return {
        "partners": [{"name": parties.display_name(p.party), "code": p.party.code} for p in partners],
        "parties": [{"name": parties.display_name(p.party), "code": p.party.code} for p in data.parties],
        "heatmap": heatmap, "counts": counts, "objectives": [o.number for o in data.objectives],
        "legend": [{"value": s.value, "title": s.title, "symbol": s.symbol} for s in EntryStatus],
        "previous_round": data.previous_round.title if data.previous_round else "",
        "changes": _changes(data),
    }


COVER_FROM = "General Secretariat of the Council"
COVER_SUBJECT_CODES = "JAI CT COTER COWEB ENFOPOL"
_SUBJECT_CODE = re.compile(r"[A-Z][A-Z-]*(?:\s+\d+(?:/\d+)?)?")


def subject_codes(value: str) -> list[str]:
    """The cover's block of subject codes, one a line: "JAI 844, CT 140 COTER" -> JAI 844 / CT 140 / COTER."""
    return [" ".join(code.split()) for code in _SUBJECT_CODE.findall((value or COVER_SUBJECT_CODES).upper())]


def front_context(data: RoundData, *, issued_on: dt.date, toc: list[dict[str, Any]]) -> dict[str, Any]:
    rnd = data.round
    tracker = parties.FootnoteTracker()
    included = [tracker.mention(p.party) for p in data.included]
    missing = [tracker.mention(p.party) for p in data.missing]
    return {
        "document_number": rnd.document_number, "issued_on": long_date(issued_on),
        "from": (rnd.cover_from or "").strip() or COVER_FROM, "subject_codes": subject_codes(rnd.subject_codes),
        "title": rnd.title, "meeting_name": rnd.meeting_name, "meeting_place": rnd.meeting_place,
        "meeting_date": long_date(rnd.meeting_date),
        "period": f"{long_date(rnd.period_start)} – {long_date(rnd.period_end)}",
        "included": included, "missing": missing, "footnotes": tracker.footnotes,
        "toc": toc, "summary": summary_context(data), "factcheck": factcheck_line(data.factcheck),
    }
