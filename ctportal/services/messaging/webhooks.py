"""Webhooks for approvals and compiled editions: signed, delivered by the job queue, retried with backoff.

A payload names what happened (ids, party code, revision number, SHA-256), never report content:
the receiver reads the content through the API with its own token, under its owner's rights.
Each delivery is signed with the webhook's key: the `X-Ctportal-Signature` header is
`sha256=` + HMAC-SHA256(key, timestamp + "." + body), with the timestamp in `X-Ctportal-Timestamp`
(a receiver refuses old timestamps, so a captured delivery cannot be replayed later).

Targets are restricted to the hosts in WEBHOOK_ALLOWED_HOSTS (checked when a webhook is made and
again at every try; redirects are not followed), and must be https unless WEBHOOK_ALLOW_HTTP.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ctportal.infra import jobs
from ctportal.models import DeliveryState, User, Webhook, WebhookDelivery, db, utcnow
from ctportal.services import audit
from ctportal.domain import stored_text as st

log = logging.getLogger("ctportal.webhooks")

REPORT_APPROVED = "report.approved"
EDITION_COMPILED = "edition.compiled"
# The names are lazy strings: shown to administrators in their language; the events' keys are the API's.
EVENTS = {REPORT_APPROVED: _l("A report is approved"),
          EDITION_COMPILED: _l("An edition of the consolidated report is compiled")}


class WebhookError(ValueError):
    """A webhook that may not be made; the message names the field and what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# --- targets --------------------------------------------------------------------------------------

def allowed_hosts() -> set[str]:
    value = current_app.config["WEBHOOK_ALLOWED_HOSTS"]
    items = value.split(",") if isinstance(value, str) else value
    return {h.strip().lower() for h in items if h.strip()}


def target_problem(url: str) -> str | None:
    """Why this URL may not receive webhooks, or None."""
    parts = urlsplit(url or "")
    schemes = ("https", "http") if current_app.config["WEBHOOK_ALLOW_HTTP"] else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        return str(_("Address: an https:// address is needed.") if schemes == ("https",)
                   else _("Address: an http:// or https:// address is needed."))
    if parts.username or parts.password:
        return str(_("Address: no user name or password in the address."))
    host = parts.hostname.lower()
    with_port = f"{host}:{parts.port}" if parts.port else host
    if host not in allowed_hosts() and with_port not in allowed_hosts():
        hosts = ", ".join(sorted(allowed_hosts())) or _("none (WEBHOOK_ALLOWED_HOSTS is empty)")
        return str(_("Address: %(host)s is not among the hosts webhooks may go to (%(hosts)s).", host=host,
                     hosts=hosts))
    return None


# --- administration --------------------------------------------------------------------------------

def create(url: str, events: list[str], description: str, actor: User) -> tuple[Webhook, str]:
    url = (url or "").strip()
    if len(url) > 500:
        raise WebhookError("url", _("Address: at most 500 characters."))
    problem = target_problem(url)
    if problem:
        raise WebhookError("url", problem)
    if not events or any(e not in EVENTS for e in events):
        raise WebhookError("events", _("Events: choose at least one event from the list."))
    secret = secrets.token_urlsafe(32)
    hook = Webhook(url=url, description=(description or "").strip()[:200], secret=secret,
                   events=" ".join(sorted(set(events))), created_by_id=actor.id)
    db.session.add(hook)
    db.session.flush()
    audit.record("webhook.created", hook, actor=actor, url=url, events=hook.events)
    return hook, secret


def deactivate(hook: Webhook, actor: User) -> None:
    hook.active = False
    db.session.flush()
    audit.record("webhook.deactivated", hook, actor=actor, url=hook.url)


def webhooks() -> list[Webhook]:
    return list(db.session.scalars(sa.select(Webhook).order_by(Webhook.active.desc(), Webhook.id.desc())))


def deliveries(hook: Webhook, limit: int = 100) -> list[WebhookDelivery]:
    return list(db.session.scalars(sa.select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
                                   .order_by(WebhookDelivery.id.desc()).limit(limit)))


# --- events ---------------------------------------------------------------------------------------

def report_approved(report: Any, revision: Any) -> None:
    emit(REPORT_APPROVED, {"report_id": report.id, "round_id": report.round_id, "party": report.party.code,
                           "revision": revision.number, "snapshot_sha256": revision.snapshot_sha256})


def edition_compiled(edition: Any) -> None:
    emit(EDITION_COMPILED, {"edition_id": edition.id, "round_id": edition.round_id, "sha256": edition.sha256,
                            "pages": edition.page_count})


def emit(event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """A delivery for every active webhook of this event, in the caller's transaction; the jobs
    are queued after it commits (a rolled-back approval tells nobody)."""
    made = []
    for hook in db.session.scalars(sa.select(Webhook).where(Webhook.active.is_(True))):
        if event not in hook.event_list:
            continue
        delivery = WebhookDelivery(webhook_id=hook.id, event=event, created_at=utcnow(),
                                   payload={"event": event, "occurred_at": utcnow().isoformat() + "Z", "data": data})
        db.session.add(delivery)
        made.append(delivery)
    if not made:
        return made
    db.session.flush()
    ids = [d.id for d in made]

    def queue(_session: object) -> None:
        for delivery_id in ids:
            deliver_job(delivery_id)

    sa.event.listen(db.session(), "after_commit", queue, once=True)
    return made


# --- delivery -------------------------------------------------------------------------------------

def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base… after the first, second, third failed try."""
    return dt.timedelta(seconds=float(current_app.config["WEBHOOK_RETRY_BASE_SECONDS"]) * 2 ** (attempts - 1))


def attempt(delivery_id: int) -> dt.timedelta | None:
    """One try; commits its outcome. Returns the delay before the next try, or None when done."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.state != DeliveryState.pending:
        return None
    hook = delivery.webhook
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    status, error = None, ""
    problem = target_problem(hook.url) if hook.active else st.HOOK_DEACTIVATED
    if problem:
        error = problem
    else:
        request = urllib.request.Request(hook.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "ctportal-webhooks",
            "X-Ctportal-Event": delivery.event, "X-Ctportal-Delivery": str(delivery.id),
            "X-Ctportal-Timestamp": timestamp, "X-Ctportal-Signature": signature(hook.secret, timestamp, body)})
        try:
            with _opener.open(request, timeout=float(current_app.config["WEBHOOK_TIMEOUT_SECONDS"])) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:500]
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.last_status, delivery.last_error = now, status, error
    delay = None
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.delivered, now, None
    elif problem or delivery.attempts >= int(current_app.config["WEBHOOK_MAX_ATTEMPTS"]):
        delivery.state, delivery.next_attempt_at = DeliveryState.failed, None
        audit.record("webhook.delivery_failed", hook, actor=None, delivery=delivery.id, event=delivery.event,
                     attempts=delivery.attempts, error=error or f"HTTP {status}")
    else:
        delay = retry_delay(delivery.attempts)
        delivery.next_attempt_at = now + delay
    db.session.commit()
    if delivery.state != DeliveryState.pending:
        log.info("webhook delivery %s %s after %s tries", delivery.id, delivery.state.value, delivery.attempts)
    return delay


@jobs.task(priority=jobs.Priority.DELIVERY)
def deliver_job(delivery_id: int) -> None:
    delay = attempt(delivery_id)
    if delay is not None:
        deliver_job.schedule(args=(delivery_id,), delay=delay.total_seconds())
