"""Writing and verifying the audit trail: append-only, each event chained to the one before."""
from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from ctportal.models import AuditEvent, db, utcnow

GENESIS = "0" * 64
# Any constant works: it names the one lock that serialises appends on PostgreSQL.
_PG_CHAIN_LOCK = 0x43545041  # "CTPA"


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    payload = {
        "prev": prev_hash,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_email": event.actor_email,
        "party_id": event.party_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "ip": event.ip,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(action: str, obj: Any = None, *, actor: Any = None, party_id: int | None = None,
           **detail: Any) -> AuditEvent:
    """Append one event. `actor` defaults to the signed-in user; `obj` gives type and id."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    # Flask-Login's proxy is not the user: record the real object (its type names the event's object).
    actor = actor._get_current_object() if hasattr(actor, "_get_current_object") else actor
    obj = obj._get_current_object() if hasattr(obj, "_get_current_object") else obj
    if party_id is None:
        party_id = getattr(obj, "party_id", None) if obj is not None else None
        if party_id is None and actor is not None:
            party_id = getattr(actor, "party_id", None)
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CHAIN_LOCK})
    prev = session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    event = AuditEvent(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        party_id=party_id,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        detail={k: v for k, v in detail.items() if v is not None},
        ip=(request.remote_addr or "") if has_request_context() else "",
        prev_hash=prev,
    )
    event.hash = event_hash(prev, event)
    session.add(event)
    session.flush()
    return event


def verify_chain() -> AuditEvent | None:
    """The first event whose hash or link does not match, or None if the whole chain holds."""
    prev = GENESIS
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).yield_per(500):
        if event.prev_hash != prev or event.hash != event_hash(prev, event):
            return event
        prev = event.hash
    return None
