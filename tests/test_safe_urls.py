"""Every redirect to a `next` (sign-in, comments, notifications) is checked by web/safe_urls.py alone."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ctportal.models import Notification, db
from ctportal.web.safe_urls import is_local_path, safe_next
from tests.factories import fill_report, make_round, report_of, submit

ATTACKS = [
    "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example", "http:/evil.example",
    "javascript:alert(1)", "JavaScript:alert(1)", "evil.example/home", "", None,
    "/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example", "/%5cevil.example",
    "/%252F/evil.example", "https:%2F%2Fevil.example", "/%09/evil.example", "/%0d%0aLocation:https://evil.example",
    "\t//evil.example", " //evil.example", "/\t/evil.example", "/\x7f/evil.example",
]
LOCAL = ["/account", "/reports/3/entries/7/comments#c12", "/progress?round=2&objective=1", "/"]


@pytest.mark.parametrize("target", ATTACKS)
def test_an_attack_is_never_a_local_path(target):
    assert not is_local_path(target)


@pytest.mark.parametrize("target", LOCAL)
def test_a_path_on_the_site_is(target):
    assert is_local_path(target)


def test_the_fallback_is_the_default_or_home(app):
    with app.test_request_context():
        assert safe_next("//evil.example", "/notifications/") == "/notifications/"
        assert safe_next("//evil.example") == "/home"
        assert safe_next("/account", "/notifications/") == "/account"


def _offsite(location: str) -> bool:
    parts = urlsplit(location)
    return bool(parts.scheme or parts.netloc) or location.startswith("//") or "\\" in location or "evil" in location


@pytest.mark.parametrize("target", [a for a in ATTACKS if a])
def test_a_comment_s_next_cannot_lead_off_the_site(app, users, client, auth, target):
    report = submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)
    auth.login("reviewer")
    response = client.post(f"/reports/{report.id}/comments",
                           data={"body": "Hello", "visibility": "shared", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/reports/{report.id}/comments#comment-")


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "/%2F/evil.example", "https://evil.example"])
def test_a_stored_notification_link_cannot_lead_off_the_site(app, users, client, auth, target):
    item = Notification(user_id=users.reviewer.id, kind="submitted", subject="A link", link=target)
    db.session.add(item)
    db.session.commit()
    auth.login("reviewer")
    response = client.post(f"/notifications/{item.id}/open")
    assert response.status_code == 302 and not _offsite(response.headers["Location"])
    assert response.headers["Location"] == "/notifications/"


@pytest.mark.parametrize("target", [
    "/home\r\nLocation: https://evil.example", "/home\nX: y", "/\u2028/evil.example", "/\u2029x", "/\x85x",
    "/home%0d%0aSet-Cookie:a=b", "/home%E2%80%A8x", "/ho me", "/\u200bhome", "/home\u00a0x", "/%00/x",
])
def test_line_breaks_spaces_and_invisible_characters_are_never_a_local_path(target):
    assert not is_local_path(target)


def test_a_search_s_encoded_space_stays_local():
    assert is_local_path("/audit/?user=a%20b")
