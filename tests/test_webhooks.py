"""Webhooks: made by the admin for allowed hosts only, signed, delivered after the commit, retried with backoff."""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import re
import threading
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from ctportal.infra import storage
from ctportal.models import AuditEvent, DeliveryState, Webhook, WebhookDelivery, db
from ctportal.services.editions import edition as edition_builder
from ctportal.services.editions import editions as compile_service
from ctportal.services.messaging import webhooks
from tests.factories import approve, fill_report, make_round, report_of, submit


@pytest.fixture
def app_config():
    return {"WEBHOOK_ALLOWED_HOSTS": "127.0.0.1", "WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_TIMEOUT_SECONDS": 5}


class Receiver:
    """A local HTTP server that records what it is sent and answers with `status`."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.location = ""
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def _secret(html: str) -> str:
    return re.search(r'id="webhook-secret" class="[^"]+" readonly value="([^"]+)"', html).group(1)


def _make(client, auth, url, events=("report.approved", "edition.compiled")):
    auth.login("admin")
    return client.post("/admin/webhooks/", data={"url": url, "description": "Dashboard", "events": list(events)})


def test_only_allowed_hosts_and_the_errors_name_the_field(client, auth, users):
    html = _make(client, auth, "http://192.0.2.1/hook").get_data(as_text=True)
    assert "Address: 192.0.2.1 is not among the hosts webhooks may go to (127.0.0.1)." in html
    html = _make(client, auth, "ftp://127.0.0.1/hook").get_data(as_text=True)
    assert "Address: an http:// or https:// address is needed." in html
    html = _make(client, auth, "http://user:pw@127.0.0.1/hook").get_data(as_text=True)
    assert "Address: no user name or password in the address." in html
    html = _make(client, auth, "http://127.0.0.1/hook", events=()).get_data(as_text=True)
    assert "Events: choose at least one event." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Webhook)) == 0


def test_an_approval_is_delivered_signed_after_the_commit_without_report_content(client, auth, users, receiver):
    secret = _secret(_make(client, auth, receiver.url).get_data(as_text=True))
    assert secret not in client.get("/admin/webhooks/").get_data(as_text=True)
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"), "Secret narrative {key}")
    submit(report, users.coordinator_al)
    assert receiver.requests == []
    approve(report, users.reviewer)
    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    headers = {k.lower(): v for k, v in sent["headers"].items()}
    expected = "sha256=" + hmac.new(secret.encode(), headers["x-ctportal-timestamp"].encode() + b"." + sent["body"],
                                    hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-ctportal-signature"], expected)
    assert headers["x-ctportal-event"] == "report.approved"
    payload = json.loads(sent["body"])
    assert payload["data"] == {"report_id": report.id, "round_id": rnd.id, "party": "AL", "revision": 1,
                               "snapshot_sha256": report.approved_revision.snapshot_sha256}
    assert b"Secret narrative" not in sent["body"]
    delivery = db.session.scalar(sa.select(WebhookDelivery))
    assert (delivery.state, delivery.attempts, delivery.last_status) == (DeliveryState.delivered, 1, 200)
    log = client.get(f"/admin/webhooks/{delivery.webhook_id}").get_data(as_text=True)
    assert "report.approved" in log and "Delivered" in log


def test_failures_are_retried_with_growing_pauses_then_given_up(client, auth, users, receiver, app):
    _make(client, auth, receiver.url, events=("report.approved",))
    receiver.status = 503
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)   # the first try, by the job
    delivery = db.session.scalar(sa.select(WebhookDelivery))
    pauses = [delivery.next_attempt_at - delivery.last_attempt_at]
    assert (delivery.state, delivery.attempts, delivery.last_status) == (DeliveryState.pending, 1, 503)
    for _ in range(app.config["WEBHOOK_MAX_ATTEMPTS"] - 1):
        webhooks.attempt(delivery.id)
        db.session.refresh(delivery)
        if delivery.next_attempt_at:
            pauses.append(delivery.next_attempt_at - delivery.last_attempt_at)
    assert [p.total_seconds() for p in pauses] == [30, 60, 120, 240, 480]
    assert delivery.state == DeliveryState.failed and delivery.attempts == 6
    assert len(receiver.requests) == 6
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "webhook.delivery_failed")) is not None
    assert webhooks.attempt(delivery.id) is None and len(receiver.requests) == 6


def test_a_redirect_is_not_followed(client, auth, users, receiver):
    _make(client, auth, receiver.url, events=("report.approved",))
    receiver.status, receiver.location = 302, "http://192.0.2.1/elsewhere"
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    delivery = db.session.scalar(sa.select(WebhookDelivery))
    assert delivery.last_status == 302 and delivery.state == DeliveryState.pending and len(receiver.requests) == 1


def test_a_compiled_edition_is_announced_and_a_deactivated_webhook_hears_nothing(client, auth, users, receiver,
                                                                                 monkeypatch):
    _make(client, auth, receiver.url, events=("edition.compiled",))
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    assert receiver.requests == []  # not subscribed to approvals
    name, sha, size = storage.write_atomically("compiled", [b"%PDF-1.4\n%%EOF\n"], "pdf")
    monkeypatch.setattr(edition_builder, "build_edition", lambda data, pool, progress=None, **kw: SimpleNamespace(
        stored_name=name, sha256=sha, size=size, page_count=3, revisions=[report.approved_revision],
        docx_stored_name=None, docx_sha256=None, docx_size=None, sealed_by=""))
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id, pool=object())
    assert [json.loads(r["body"])["data"] for r in receiver.requests] == [
        {"edition_id": edition.id, "round_id": rnd.id, "sha256": sha, "pages": 3}]
    hook = db.session.scalar(sa.select(Webhook))
    assert client.post(f"/admin/webhooks/{hook.id}/deactivate").status_code == 302
    webhooks.edition_compiled(edition)
    db.session.commit()
    assert len(receiver.requests) == 1
