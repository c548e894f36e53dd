"""Notifications by email through a real SMTP server on loopback: who gets what, and what never leaks."""
from __future__ import annotations

import email
import email.policy
import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from ctportal.models import Notification, User, Visibility, db
from ctportal.services.review import comments
from ctportal.services.review import reviews as review
from ctportal.services.review.workflow import Step, apply_transition
from tests.factories import approve, fill_report, make_round, report_of, request_changes, submit

SECRET = "Between us: the figures in this entry look inflated."


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def take(self) -> list[tuple[str, str, str]]:
        """(recipient, subject, body) of every message received since the last take()."""
        taken = [(rcpt, msg["Subject"], msg.get_content()) for rcpts, msg in self.messages for rcpt in rcpts]
        self.messages.clear()
        return taken


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_SENDER="portal@example.eu", BASE_URL="https://ctportal.example.eu")
    yield box
    controller.stop()


def _to(messages) -> set[str]:
    return {rcpt for rcpt, _, _ in messages}


def _party_addresses(users) -> set[str]:
    return {u.email for u in users.by_key.values() if u.role.is_party_role}


def test_the_review_round_by_mail(inbox, users):
    report = fill_report(report_of(make_round(), "AL"))
    albania = {users.coordinator_al.email, users.contributor_al.email}
    reviewers = {users.reviewer.email, users.reviewer2.email}

    submit(report, users.coordinator_al)
    sent = inbox.take()
    assert _to(sent) == reviewers, "nobody assigned: every reviewer hears of a submission"
    assert {s for _, s, _ in sent} == {"Coordinator Al submitted for review: Albania — Progress report 2026"}
    assert all(f"https://ctportal.example.eu/review/reports/{report.id}" in body for _, _, body in sent)

    review.assign_reviewer(report, users.reviewer, users.secretariat)
    first, second = report.entries[0], report.entries[1]
    comments.post_comment(report, users.reviewer, "Please add the dates of the trainings. @coordinator.al",
                          entry=first)
    comments.post_comment(report, users.reviewer, SECRET + " @reviewer2 @coordinator.al @contributor.al",
                          entry=second, visibility=Visibility.internal)
    db.session.commit()
    sent = inbox.take()
    shared = [m for m in sent if "trainings" in m[2]]
    internal = [m for m in sent if SECRET in m[2]]
    assert _to(shared) == albania
    assert {s for r, s, _ in shared if r == users.coordinator_al.email} == {
        f"Reviewer mentioned you on action {first.key}: Albania — Progress report 2026"}
    assert {s for r, s, _ in shared if r == users.contributor_al.email} == {
        f"Reviewer commented on action {first.key}: Albania — Progress report 2026"}, "who, on which action, where"
    assert _to(internal) == {users.reviewer2.email}, "an internal comment reaches the Commission only"
    assert "internal: Commission only" in internal[0][2]

    review.save_entry_review(report, first, users.reviewer, verdict=review.Verdict.needs_revision,
                             assessment=None, note="")
    request_changes(report, users.reviewer, reason="Entry 1 needs the training dates.")
    sent = inbox.take()
    assert _to(sent) == albania
    assert {s for _, s, _ in sent} == {"Reviewer requested changes: Albania — Progress report 2026"}
    body = sent[0][2]
    assert "Entry 1 needs the training dates." in body and first.key in body
    assert f"/reports/{report.id}/feedback" in body

    comments.post_comment(report, users.contributor_al, "Dates added in the narrative.", entry=first,
                          parent=db.session.scalar(sa.select(comments.Comment).where(
                              comments.Comment.entry_id == first.id)))
    db.session.commit()
    sent = inbox.take()
    assert _to(sent) == {users.reviewer.email}, "a party's reply goes to the assigned reviewer (and thread)"
    assert sent[0][1] == f"Contributor Al replied on action {first.key}: Albania — Progress report 2026"

    first.narrative = "Trainings held on 10 and 24 January 2026."
    db.session.commit()
    submit(report, users.coordinator_al)
    sent = inbox.take()
    assert _to(sent) == {users.reviewer.email}
    assert sent[0][1] == "Coordinator Al resubmitted for review: Albania — Progress report 2026"

    review.save_entry_review(report, first, users.reviewer, verdict=review.Verdict.accepted, assessment=None,
                             note="")
    approve(report, users.reviewer)
    sent = inbox.take()
    assert _to(sent) == albania
    assert {s for _, s, _ in sent} == {"Reviewer approved: Albania — Progress report 2026"}

    apply_transition(report, Step.reopen, users.reviewer2, reason="A figure in the annex was wrong.")
    db.session.commit()
    sent = inbox.take()
    assert _to(sent) == albania | {users.reviewer.email}
    assert all("A figure in the annex was wrong." in body for _, _, body in sent)
    assert {s for _, s, _ in sent} == {"Reviewer2 reopened: Albania — Progress report 2026"}


def test_internal_comments_never_reach_party_users(inbox, users):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    inbox.take()
    everyone = " ".join("@" + u.email.split("@")[0] for u in users.by_key.values())
    root = comments.post_comment(report, users.reviewer, f"{SECRET} {everyone}", visibility=Visibility.internal)
    comments.post_comment(report, users.reviewer2, f"Agreed. {SECRET} {everyone}", parent=root)
    comments.post_comment(report, users.reviewer, f"{SECRET} {everyone}", entry=report.entries[0],
                          visibility=Visibility.internal)
    db.session.commit()
    sent = inbox.take()
    assert sent, "the Commission's own side is told"
    assert not _to(sent) & _party_addresses(users)
    party_ids = [u.id for u in users.by_key.values() if u.role.is_party_role]
    leaked = db.session.scalars(sa.select(Notification).where(Notification.user_id.in_(party_ids),
                                                              Notification.body.contains("inflated")))
    assert list(leaked) == []
    # Nothing the party receives later carries it either.
    request_changes(report, users.reviewer, reason="Please revise.")
    submit(report, users.coordinator_al)
    approve(report, users.reviewer2)
    for _recipient, subject, body in inbox.take():
        assert "inflated" not in body and "inflated" not in subject


def test_nobody_is_told_of_their_own_action_and_inactive_users_hear_nothing(inbox, users):
    users.reviewer2.active = False
    db.session.commit()
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    assert _to(inbox.take()) == {users.reviewer.email}
    comments.post_comment(report, users.coordinator_al, "A question from us.")
    db.session.commit()
    sent = inbox.take()
    assert users.coordinator_al.email not in _to(sent) and _to(sent) == {users.reviewer.email}


def test_a_mention_tells_only_someone_who_may_see_the_comment(inbox, users):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    inbox.take()
    comments.post_comment(report, users.reviewer, "Serbia's view, @coordinator.rs? And @nobody.here.")
    db.session.commit()
    assert users.coordinator_rs.email not in _to(inbox.take()), "another party never hears of Albania's report"
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == users.coordinator_rs.id)) == 0
    assert db.session.scalar(sa.select(User).where(User.email == "nobody.here@example.eu")) is None


def test_the_subject_names_the_author_and_the_action_in_the_recipients_language(inbox, users):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    review.assign_reviewer(report, users.reviewer, users.secretariat)
    db.session.get(User, users.coordinator_al.id).language = "sr"
    db.session.commit()
    inbox.take()
    entry = report.entries[0]
    comments.post_comment(report, users.reviewer, "Please add the dates.", entry=entry)
    db.session.commit()
    subjects = {rcpt: subject for rcpt, subject, _ in inbox.take()}
    assert subjects[users.coordinator_al.email] == (
        f"Reviewer је коментарисао/ла активност {entry.key}: Албанија — Progress report 2026")
    assert subjects[users.contributor_al.email] == (
        f"Reviewer commented on action {entry.key}: Albania — Progress report 2026")
    listed = db.session.scalar(sa.select(Notification.subject).where(Notification.user_id == users.coordinator_al.id)
                               .order_by(Notification.id.desc()).limit(1))
    assert listed == subjects[users.coordinator_al.email], "the in-portal list says the same"
