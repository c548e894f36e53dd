"""Searching and exporting the audit trail."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

import sqlalchemy as sa

from ctportal.models import AuditEvent, Party, db


@dataclass
class AuditQuery:
    user: str = ""                    # part of the actor's email address
    party_id: int | None = None
    object_type: str = ""
    object_id: int | None = None
    action: str = ""                  # an action or its prefix, e.g. "round." or "export"
    since: dt.date | None = None   # from this day (UTC) ...
    until: dt.date | None = None   # ... to this day, inclusive

    def statement(self) -> sa.Select[AuditEvent]:
        query = sa.select(AuditEvent)
        if self.user:
            query = query.where(sa.func.lower(AuditEvent.actor_email).contains(self.user.strip().lower(),
                                                                               autoescape=True))
        if self.party_id is not None:
            query = query.where(AuditEvent.party_id == self.party_id)
        if self.object_type:
            query = query.where(AuditEvent.object_type == self.object_type)
        if self.object_id is not None:
            query = query.where(AuditEvent.object_id == self.object_id)
        if self.action:
            query = query.where(AuditEvent.action.startswith(self.action.strip(), autoescape=True))
        if self.since:
            query = query.where(AuditEvent.created_at >= dt.datetime.combine(self.since, dt.time()))
        if self.until:
            query = query.where(AuditEvent.created_at < dt.datetime.combine(self.until + dt.timedelta(days=1),
                                                                            dt.time()))
        return query


def search(q: AuditQuery, *, page: int = 1, per_page: int = 50) -> tuple[list[AuditEvent], int]:
    """A page of matching events, newest first, and the number of all matches."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(q.statement().subquery())) or 0
    events = list(db.session.scalars(q.statement().order_by(AuditEvent.id.desc())
                                     .offset((page - 1) * per_page).limit(per_page)))
    return events, total


def object_types() -> list[str]:
    return [t for t in db.session.scalars(sa.select(AuditEvent.object_type).distinct()
                                          .order_by(AuditEvent.object_type)) if t]


# Events about report content: what the administrator (no report content, docs/security.md) sees of
# them is who, when, what and which object — and of their detail only the keys below, which name
# states, revisions, sizes and hashes, never what a party or the Commission wrote or named.
CONTENT_ACTIONS = ("report.", "entry.", "document.", "comment.", "priority.", "compile.", "editions.", "export.")
FACTUAL_KEYS = frozenset({"revision", "revision_id", "from_state", "to_state", "sha256", "size", "replaces",
                          "mimetype", "report_id", "entry_id", "round_id", "version", "state", "progress",
                          "visibility", "reviewer", "format", "rows", "parties"})
WITHHELD = "(withheld: report content)"


def shown_detail(event: AuditEvent, *, content: bool) -> dict[str, object]:
    """The detail of `event` as its reader may see it: whole with `content`, else without report content."""
    detail = dict(event.detail or {})
    if content or not event.action.startswith(CONTENT_ACTIONS):
        return detail
    return {k: (v if k in FACTUAL_KEYS else WITHHELD) for k, v in detail.items()}


CSV_COLUMNS = ("id", "created_at", "actor_email", "actor_id", "party", "action", "object_type", "object_id",
               "detail", "ip", "prev_hash", "hash")


def to_csv(q: AuditQuery, *, content: bool = True) -> bytes:
    """Every matching event, oldest first, with its hashes so the chain can be checked outside
    (the administrator's copy, without report content, still names every event and its hashes)."""
    parties: dict[int | None, str] = {p.id: p.code for p in db.session.scalars(sa.select(Party))}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in db.session.scalars(q.statement().order_by(AuditEvent.id)).yield_per(500):
        values = [e.id, e.created_at.isoformat(timespec="microseconds"), e.actor_email, e.actor_id or "",
                  parties.get(e.party_id, ""), e.action, e.object_type, e.object_id or "",
                  json.dumps(shown_detail(e, content=content), ensure_ascii=False, sort_keys=True, default=str),
                  e.ip, e.prev_hash, e.hash]
        writer.writerow([("'" + v) if isinstance(v, str) and v.startswith(("=", "+", "-", "@")) else v
                         for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
