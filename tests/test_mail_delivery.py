"""Mail leaves after the commit that queued it, through a real SMTP server on loopback."""
from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from ctportal.models import OutgoingMail, db
from ctportal.services.messaging.mail import deliver_pending, send_mail


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_inbox(app):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      MAIL_SENDER="portal@example.eu")
    yield inbox
    controller.stop()


def test_a_committed_message_is_delivered_by_smtp(smtp_inbox):
    send_mail(["Someone@Example.eu", "someone@example.eu"], "Report submitted", "Albania submitted its report.")
    assert smtp_inbox.messages == []  # nothing leaves before the commit
    db.session.commit()
    assert len(smtp_inbox.messages) == 1
    envelope = smtp_inbox.messages[0]
    assert envelope.rcpt_tos == ["someone@example.eu"]
    assert b"Subject: Report submitted" in envelope.content
    assert db.session.scalar(sa.select(OutgoingMail.sent_at)) is not None


def test_a_rolled_back_message_is_never_sent(smtp_inbox):
    send_mail(["someone@example.eu"], "Never", "This change was rolled back.")
    db.session.rollback()
    db.session.commit()
    assert smtp_inbox.messages == []
    assert db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) == 0


def test_an_unreachable_server_is_retried_later(app):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())
    send_mail(["someone@example.eu"], "Retry", "The server is down.")
    db.session.commit()
    row = db.session.scalar(sa.select(OutgoingMail))
    assert row.sent_at is None and row.attempts >= 1 and row.last_error
    app.config["MAIL_BACKEND"] = "console"
    assert deliver_pending() == 1
    assert db.session.scalar(sa.select(OutgoingMail.sent_at)) is not None
