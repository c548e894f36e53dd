"""Submission: only a coordinator or EU reporter, only when complete, freezing an immutable revision."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ctportal.models import AuditEvent, Entry, EntryStatus, Report, ReportState, Revision, db
from tests.factories import fill_report, make_round, report_of
from tests.helpers import confirmation_form


@pytest.fixture
def rnd(app):
    return make_round()


def _reload(report: Report) -> Report:
    db.session.expire_all()
    return db.session.get(Report, report.id)


def test_an_incomplete_report_is_not_submitted_and_every_missing_item_is_listed_with_a_link(client, auth, rnd):
    al = report_of(rnd, "AL")
    fill_report(al, limit=len(al.entries) - 3)
    no_narrative, no_status, no_reason = al.entries[-3], al.entries[-2], al.entries[-1]
    no_narrative.status = EntryStatus.planned
    no_reason.status = EntryStatus.not_applicable
    db.session.commit()
    auth.login("coordinator_al")
    response = client.post(f"/reports/{al.id}/submit", data={"state_version": str(al.state_version)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The report was not submitted" in page and "3 items still need an answer" in page
    assert f"/entries/{no_narrative.id}#narrative" in page
    assert f"/entries/{no_status.id}#status" in page
    assert f"/entries/{no_reason.id}#na_justification" in page
    assert "explain why the action does not apply" in page
    assert _reload(al).state == ReportState.draft
    assert db.session.scalar(sa.select(sa.func.count(Revision.id))) == 0


def test_a_contributor_may_not_submit(client, auth, rnd):
    al = report_of(rnd, "AL")
    fill_report(al)
    auth.login("contributor_al")
    assert client.post(f"/reports/{al.id}/submit", data={"state_version": "1"}).status_code == 403
    assert _reload(al).state == ReportState.draft


def test_the_coordinator_submits_a_complete_report_which_freezes_a_revision_and_turns_read_only(client, auth, rnd):
    al = report_of(rnd, "AL")
    fill_report(al)
    auth.login("coordinator_al")
    response = client.post(f"/reports/{al.id}/submit", data=confirmation_form(client, f"/reports/{al.id}/submit"))
    assert response.status_code == 302
    al = _reload(al)
    assert al.state == ReportState.submitted
    revision = db.session.scalar(sa.select(Revision).where(Revision.report_id == al.id))
    assert revision.number == 1 and len(revision.snapshot["entries"]) == len(al.entries)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.submit")) is not None
    page = client.get(f"/reports/{al.id}").get_data(as_text=True)
    assert "under review" in page and "Submit the report for review" not in page
    entry = al.entries[0]
    refused = client.post(f"/reports/{al.id}/entries/{entry.id}",
                          data={"version": str(entry.version), "narrative": "After submission"})
    assert refused.status_code == 403
    assert db.session.get(Entry, entry.id).narrative != "After submission"
    # The frozen revision does not follow later changes to the draft rows.
    frozen = revision.snapshot["entries"][0]["narrative"]
    assert frozen == entry.narrative


def test_an_eu_reporter_submits_the_eu_report(client, auth, rnd):
    europol = report_of(rnd, "EUROPOL")
    fill_report(europol)
    auth.login("reporter_europol")
    assert client.post(f"/reports/{europol.id}/submit",
                       data=confirmation_form(client, f"/reports/{europol.id}/submit")).status_code == 302
    assert _reload(europol).state == ReportState.submitted


def test_a_submission_from_a_stale_page_is_refused(client, auth, rnd):
    al = report_of(rnd, "AL")
    fill_report(al)
    auth.login("coordinator_al")
    data = confirmation_form(client, f"/reports/{al.id}/submit")
    response = client.post(f"/reports/{al.id}/submit", data=dict(data, state_version=str(al.state_version + 5)),
                           follow_redirects=True)
    assert b"changed since you opened this page" in response.data
    assert _reload(al).state == ReportState.draft


def test_another_partys_report_cannot_be_submitted(client, auth, rnd):
    rs = report_of(rnd, "RS")
    fill_report(rs)
    auth.login("coordinator_al")
    assert client.post(f"/reports/{rs.id}/submit", data={"state_version": "1"}).status_code == 404
    assert _reload(rs).state == ReportState.draft
