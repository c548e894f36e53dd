"""Email: queued in the database with the change that caused it, delivered after the commit.

`send_mail()` adds OutgoingMail rows to the current transaction. When that transaction
commits, a background job delivers every pending message: to the log (backend "console",
development — the admin's outbox page shows them) or through SMTP (backend "smtp").
A message whose transaction rolls back is never sent; one that fails to send is retried
(up to MAX_ATTEMPTS) the next time mail is delivered.
"""
from __future__ import annotations

import logging
import smtplib
from email import policy as email_policy
from email.message import EmailMessage
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from ctportal.infra import jobs
from ctportal.models import OutgoingMail, db, utcnow

log = logging.getLogger("ctportal.mail")
MAX_ATTEMPTS = 5
_PENDING_KEY = "ctportal_mail_pending"


def outbox_available() -> bool:
    """The development outbox page exists only where mail goes to the console: in production the
    messages go out by SMTP, and their one-time links must not be readable in the portal."""
    return bool(current_app.config["ENV"] != "production" and current_app.config["MAIL_BACKEND"] == "console")


def send_mail(recipients: Iterable[str], subject: str, body: str) -> list[OutgoingMail]:
    """Queue one message per distinct recipient; delivered once the transaction commits."""
    rows = []
    for recipient in sorted({r.strip().lower() for r in recipients if r and r.strip()}):
        row = OutgoingMail(recipient=recipient, subject=subject[:300], body=body)
        db.session.add(row)
        rows.append(row)
    if rows:
        db.session.info[_PENDING_KEY] = True
        db.session.flush()
    return rows


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _deliver_after_commit(session: sa.orm.Session) -> None:
    if session.info.pop(_PENDING_KEY, False):
        deliver_pending_task()


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _forget_after_rollback(session: sa.orm.Session) -> None:
    session.info.pop(_PENDING_KEY, None)


@jobs.task(priority=jobs.Priority.MAIL, retries=2, retry_delay=30)
def deliver_pending_task() -> int:
    return deliver_pending()


def deliver_pending() -> int:
    """Send every message not yet sent (and not given up on); returns how many went out."""
    pending = db.session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
        .order_by(OutgoingMail.id)).all()
    sent = 0
    for message in pending:
        message.attempts += 1
        try:
            _deliver(message)
        except (OSError, smtplib.SMTPException) as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            log.warning("mail %s to %s failed: %s", message.id, message.recipient, message.last_error)
        else:
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
        db.session.commit()  # one message at a time: a crash never re-sends what went out
    return sent


def _deliver(message: OutgoingMail) -> None:
    config = current_app.config
    if config["MAIL_BACKEND"] == "console":
        log.info("mail to %s: %s\n%s", message.recipient, message.subject, message.body)
        return
    if config["MAIL_BACKEND"] != "smtp":
        raise RuntimeError(f"CTPORTAL_MAIL_BACKEND must be console or smtp, not {config['MAIL_BACKEND']!r}")
    # Folded at 78 characters, Python's email package drops the space between two encoded words of a
    # non-ASCII subject ("коментарисао/ла активност" arrived as "коментарисао/лаактивност"); unfolded up
    # to RFC 5322's hard limit of 998 a subject (at most 300 characters) stays whole.
    email = EmailMessage(policy=email_policy.default.clone(max_line_length=998))
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = f"<ctportal-{message.id}@{config['MAIL_SENDER'].split('@')[-1]}>"
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
        if config["MAIL_STARTTLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
