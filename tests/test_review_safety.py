"""Reviewing safely (issue 13, items 5–8): each test attacks the behaviour the issue found."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ctportal.models import Comment, db
from tests.factories import fill_report, make_round, report_of, submit


@pytest.fixture
def report(app, users):
    return submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)


def _flashes(html: bytes) -> str:
    return re.sub(r"\s+", " ", html.decode())


# --- item 6: who sees a comment is a choice -------------------------------------------------------

def test_a_commission_comment_without_a_visibility_choice_is_refused_naming_the_field(report, users, auth, client):
    entry = report.entries[0]
    auth.login("reviewer")
    page = client.get(f"/review/reports/{report.id}/entries/{entry.id}").data.decode()
    radios = re.findall(r'<input[^>]*name="visibility"[^>]*type="radio"[^>]*>|<input[^>]*type="radio"[^>]*name="visibility"[^>]*>', page)
    assert radios and not any("checked" in r for r in radios), "a visibility is preselected"
    response = client.post(f"/reports/{report.id}/entries/{entry.id}/comments",
                           data={"body": "An internal remark, one missed click from the party."},
                           follow_redirects=True)
    assert "Who sees it" in _flashes(response.data) and "Choose who sees it" in _flashes(response.data)
    assert db.session.scalar(sa.select(sa.func.count(Comment.id)).where(Comment.is_system.is_(False))) == 0


def test_every_shared_comment_is_labelled_with_the_party_it_is_shared_with(report, users, auth, client):
    entry = report.entries[0]
    auth.login("reviewer")
    for visibility, body in (("shared", "Please add the dates."), ("internal", "Between us: figures look off.")):
        client.post(f"/reports/{report.id}/entries/{entry.id}/comments", data={"body": body, "visibility": visibility})
    shared = db.session.scalar(sa.select(Comment).where(Comment.body == "Please add the dates."))
    internal = db.session.scalar(sa.select(Comment).where(Comment.body.like("Between us%")))
    for key in ("reviewer", "coordinator_al"):
        auth.login(key)
        page = client.get(f"/reports/{report.id}/entries/{entry.id}/comments").data.decode()
        block = page.split(f'id="comment-{shared.id}"')[1].split("comment-text")[0]
        assert "Shared with Albania" in block, key
    auth.login("reviewer")
    page = client.get(f"/reports/{report.id}/entries/{entry.id}/comments").data.decode()
    assert "Internal — Commission only" in page.split(f'id="comment-{internal.id}"')[1].split("comment-text")[0]
