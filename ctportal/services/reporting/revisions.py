"""Freezing a report into a revision: the snapshot format every later step reads.

A snapshot is plain JSON, complete on its own (no lookups into editable rows needed), so
that what was submitted or approved can be shown, diffed and compiled exactly as it was:

    {"format": 1,
     "report": {"id", "round_id", "party_id", "party_code"},
     "entries": [{"key", "kind", "action_id", "action_code", "objective", "actor_group",
                  "priority": null | {"id", "text", "target_date"},
                  "status", every text field of domain/entry_fields.py (str),
                  every rows field: [{column: str | None}]  (measures, legal acts),
                  "figures": [FIGURES, ...]  # only when the action has indicators (domain/indicators.py)
                  "documents": [DOC, ...]}],
     "documents": [DOC, ...],   # documents attached to the report as a whole
     "follow_ups": [{"id", "number", "recommendation", "action_codes", "round_id", "round_title",
                     "status", "narrative"}]}   # services/reporting/follow_ups.py; only when there are any
    DOC = {"id", "original_name", "title", "sha256", "size", "content_type", "sensitivity",
           "uploaded_at", "uploaded_by"}

Dates are ISO strings. The action's own text is not copied: a plan version never changes.
"""
from __future__ import annotations

import hashlib
import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.domain import entry_fields
from ctportal.models import Document, Entry, Indicator, Report, Revision, RevisionDocument, User, db
from ctportal.services.reporting import figures as figure_service
from ctportal.services.reporting import follow_ups
from ctportal.services.reporting.documents import current_documents

SNAPSHOT_FORMAT = 1


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def document_snapshot(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id, "original_name": doc.original_name, "title": doc.title, "sha256": doc.sha256,
        "size": doc.size, "content_type": doc.content_type, "sensitivity": doc.sensitivity.value,
        "uploaded_at": _iso(doc.uploaded_at), "uploaded_by": doc.uploaded_by.name if doc.uploaded_by else "",
    }


def entry_snapshot(entry: Entry, documents: list[Document],
                   indicators: list[Indicator] | None = None) -> dict[str, Any]:
    """One entry frozen; with the action's `indicators`, its figures under "figures" (an entry whose
    action has none has no such key: its snapshot is what it was before figures existed)."""
    action = entry.action
    priority = entry.priority_action
    found = {"figures": figure_service.snapshot_of(entry, indicators)} if indicators else {}
    return {
        "key": entry.key,
        "kind": entry.kind.value,
        "action_id": action.id,
        "action_code": action.code,
        "objective": action.objective.number,
        "actor_group": action.actor_group.value,
        "priority": None if priority is None else {
            "id": priority.id, "text": priority.text, "target_date": _iso(priority.target_date)},
        **entry_fields.values_of(entry),
        **found,
        "documents": [document_snapshot(d) for d in documents if d.entry_id == entry.id],
    }


def build_snapshot(report: Report) -> dict[str, Any]:
    documents = current_documents(report)
    by_action = figure_service.indicators_for(report.round)
    snapshot: dict[str, Any] = {
        "format": SNAPSHOT_FORMAT,
        "report": {"id": report.id, "round_id": report.round_id, "party_id": report.party_id,
                   "party_code": report.party.code},
        "entries": [entry_snapshot(e, documents, figure_service.of_entry(e, by_action)) for e in report.entries],
        "documents": [document_snapshot(d) for d in documents if d.entry_id is None],
    }
    # Only a report that follows up recommendations has the key: every other snapshot stays as it was.
    items = follow_ups.snapshot(report)
    if items:
        snapshot["follow_ups"] = items
    return snapshot


def snapshot_hash(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def freeze(report: Report, submitted_by: User, *, note: str = "") -> Revision:
    """A new immutable revision of the report as it stands, with its documents frozen too (and the
    submitter's note to the Commission, if any)."""
    snapshot = build_snapshot(report)
    number = (db.session.scalar(sa.select(sa.func.max(Revision.number)).where(Revision.report_id == report.id))
              or 0) + 1
    revision = Revision(report=report, number=number, submitted_by=submitted_by, snapshot=snapshot,
                        snapshot_sha256=snapshot_hash(snapshot), note=(note or "").strip())
    db.session.add(revision)
    db.session.flush()
    doc_ids = {d["id"] for d in snapshot["documents"]} | {
        d["id"] for e in snapshot["entries"] for d in e["documents"]}
    for doc_id in sorted(doc_ids):
        db.session.add(RevisionDocument(revision_id=revision.id, document_id=doc_id))
    db.session.flush()
    return revision


def latest_revision(report: Report) -> Revision | None:
    return db.session.scalar(
        sa.select(Revision).where(Revision.report_id == report.id).order_by(Revision.number.desc()).limit(1))


def latest_revisions(report_ids: list[int], *, snapshots: bool = True) -> dict[int, Revision]:
    """The latest revision of each report that has one, in one query (for lists of reports); without
    their snapshots when the list reads only their outlines (services/reporting/outlines.py)."""
    if not report_ids:
        return {}
    newest = (sa.select(Revision.report_id, sa.func.max(Revision.number).label("number"))
              .where(Revision.report_id.in_(report_ids)).group_by(Revision.report_id).subquery())
    query = sa.select(Revision).join(
        newest, sa.and_(Revision.report_id == newest.c.report_id, Revision.number == newest.c.number))
    if not snapshots:
        query = query.options(so.defer(Revision.snapshot))
    return {r.report_id: r for r in db.session.scalars(query)}


def entries_by_key(revision: Revision | None) -> dict[str, dict[str, Any]]:
    if revision is None:
        return {}
    return {e["key"]: e for e in revision.snapshot["entries"]}
