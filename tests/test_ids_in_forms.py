"""Issue 13, item 13 for forms and query strings: an id no table can hold (beyond 64 bits, beyond
PostgreSQL's integer, negative, malformed) sent in a field is an error of that field or a missing
object — never a 500 ("integer out of range" on PostgreSQL). Run it on both databases."""
from __future__ import annotations

import pytest

from tests.factories import fill_report, make_round, report_of, submit

BAD = ["1180591620717411303424", str(2**31), str(2**63), "-1", "abc", "1e5", "١٢"]


@pytest.fixture
def report(app, users):
    return submit(fill_report(report_of(make_round(), "AL")), users.coordinator_al)


def _reviewer_requests(report, bad: str) -> dict[str, tuple[str, str, dict]]:
    base, entry = f"/review/reports/{report.id}", report.entries[0]
    return {
        "reply to": ("post", f"/reports/{report.id}/comments",
                     {"body": "x", "visibility": "shared", "parent_id": bad}),
        "entry review": ("post", f"{base}/entries/{entry.id}", {"verdict": "accepted", "revision_id": bad}),
        "accept all": ("post", f"{base}/accept-all", {"keys": entry.key, "revision_id": bad}),
        "approve": ("post", f"{base}/approve", {"state_version": bad}),
        "request changes": ("post", f"{base}/request-changes", {"reason": "x", "state_version": bad}),
        "assign": ("post", f"{base}/assign", {"reviewer_id": bad}),
        "queue": ("get", f"/review/?round={bad}&party={bad}", {}),
        "priority": ("post", f"/priorities/party/{report.party_id}",
                     {"action_id": bad, "title": "t", "description": "d"}),
    }


def _secretariat_requests(bad: str) -> dict[str, tuple[str, str, dict]]:
    return {
        "audit search": ("get", f"/audit/?object_id={bad}", {}),
        "audit export": ("get", f"/audit/export.csv?object_id={bad}", {}),
        "new round": ("post", "/rounds/new", {"plan_version_id": bad, "title": "x"}),
        "progress map": ("get", f"/progress/?round={bad}", {}),
        "notifications": ("get", f"/notifications/?page={bad}", {}),
    }


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_id_in_a_form_or_query_string_is_never_a_500(app, client, auth, report, bad):
    answers = {}
    auth.login("reviewer")
    for name, (method, url, data) in _reviewer_requests(report, bad).items():
        answers[name] = getattr(client, method)(url, data=data).status_code
    auth.logout()
    auth.login("secretariat")
    for name, (method, url, data) in _secretariat_requests(bad).items():
        answers[name] = getattr(client, method)(url, data=data).status_code
    assert all(code < 500 for code in answers.values()), answers


def test_a_reply_to_a_comment_id_beyond_any_table_names_the_field(app, client, auth, report):
    auth.login("reviewer")
    response = client.post(f"/reports/{report.id}/comments", follow_redirects=True,
                           data={"body": "x", "visibility": "shared", "parent_id": BAD[0]})
    assert response.status_code == 200 and "In reply to: Not a valid id." in response.get_data(as_text=True)


def test_the_audit_search_says_which_field_is_wrong(app, client, auth, report):
    auth.login("secretariat")
    response = client.get(f"/audit/?object_id={BAD[0]}")
    assert response.status_code == 200 and "Not a valid id." in response.get_data(as_text=True)
