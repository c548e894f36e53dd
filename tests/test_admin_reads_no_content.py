"""Issue 13, item 14: the administrator reads no report content (docs/security.md, "The administrator"):
every report route answers them the bytes of a missing object, and the audit trail and its CSV name
each event without what it says of report content (document names, reasons)."""
from __future__ import annotations

import io

import pytest

from ctportal.models import Round, db
from tests.access.world import MINIMAL_PDF
from tests.factories import fill_report, make_round, report_of, request_changes, submit

HUGE = 1180591620717411303424
DOC_NAME = "Canary-document-name-7731.pdf"
REASON = "Canary reason 5519: objective 2 is missing"


@pytest.fixture
def world(app, users, client, auth):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    auth.login("contributor_al")
    client.post(f"/reports/{report.id}/documents/upload", content_type="multipart/form-data",
                data={"file": (io.BytesIO(MINIMAL_PDF), DOC_NAME), "sensitivity": "limite", "title": ""})
    auth.logout()
    submit(report, users.coordinator_al)
    request_changes(report, users.reviewer, reason=REASON)
    from ctportal.models import Document
    doc = db.session.scalars(db.select(Document)).one()
    return rnd, report, doc


def _routes(rnd: Round, report, doc, missing: int) -> list[tuple[str, str]]:
    return [
        (f"/compile/reports/{report.id}/pdf", f"/compile/reports/{missing}/pdf"),
        (f"/reports/{report.id}", f"/reports/{missing}"),
        (f"/review/reports/{report.id}", f"/review/reports/{missing}"),
        (f"/reports/{report.id}/documents/{doc.id}", f"/reports/{missing}/documents/{doc.id}"),
        (f"/reports/{report.id}/entries/{report.entries[0].id}", f"/reports/{missing}/entries/1"),
        (f"/reports/{report.id}/comments", f"/reports/{missing}/comments"),
        (f"/compile/rounds/{rnd.id}", f"/compile/rounds/{missing}"),
    ]


@pytest.mark.parametrize("missing", [999_999, HUGE])
def test_every_report_route_answers_the_admin_exactly_like_a_missing_id(world, client, auth, missing):
    rnd, report, doc = world
    auth.login("admin")
    for existing, absent in _routes(rnd, report, doc, missing):
        a, b = client.get(existing), client.get(absent)
        assert (a.status_code, b.status_code) == (404, 404), existing
        assert a.data == b.data, existing


def test_the_admin_s_audit_trail_withholds_report_content_the_secretariat_s_does_not(world, client, auth):
    auth.login("admin")
    page = client.get("/audit/").get_data(as_text=True)
    csv = client.get("/audit/export.csv").get_data(as_text=True)
    for text in (page, csv):
        assert DOC_NAME not in text and REASON not in text and "Canary" not in text
        assert "document.uploaded" in text and "report.request_changes" in text  # the events themselves stay
        assert "withheld" in text
    assert "login.succeeded" in csv
    auth.logout()
    auth.login("secretariat")
    page = client.get("/audit/").get_data(as_text=True)
    csv = client.get("/audit/export.csv").get_data(as_text=True)
    for text in (page, csv):
        assert DOC_NAME in text and REASON in text
