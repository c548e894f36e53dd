"""The party PDF is made by a job, never inside the request: queued → progress page → ready,
then sent at once from the cache of its revision."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ctportal.models import CompileState, PartyPdfJob, db, utcnow
from ctportal.services.editions import party_jobs
from tests.factories import fill_report, make_round, report_of, submit


def _submitted(users):
    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"), "Napredak {key}")
    submit(report, users.coordinator_al)
    return report


def test_a_pdf_not_made_yet_is_queued_and_shown_with_its_progress(app, users, auth, client, monkeypatch):
    report = _submitted(users)
    queued = []
    monkeypatch.setattr(party_jobs, "enqueue", queued.append)  # a job server that has not taken it yet
    auth.login("coordinator_al")
    response = client.get(f"/compile/reports/{report.id}/pdf")
    assert response.status_code == 302 and "/pdf/jobs/" in response.headers["Location"]
    job = db.session.scalar(sa.select(PartyPdfJob).where(PartyPdfJob.report_id == report.id))
    assert queued == [job.id] and job.state == CompileState.queued
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.headers["Refresh"] == "3" and "The PDF is queued" in html and 'role="progressbar"' in html
    assert client.get(f"/compile/reports/{report.id}/pdf").headers["Location"] == response.headers["Location"]
    assert queued == [job.id]  # asking again waits for the same job

    party_jobs.run_party_pdf(job.id)  # the job server takes it
    db.session.commit()
    ready = client.get(response.headers["Location"])
    assert "Refresh" not in ready.headers and "The PDF is ready" in ready.get_data(as_text=True)
    status = client.get(response.headers["Location"] + "/status.json").get_json()
    assert status["state"] == "done" and status["progress"] == 100
    pdf = client.get(f"/compile/reports/{report.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert queued == [job.id]  # cached per revision: no second job


def test_a_job_whose_worker_died_is_shown_failed_with_a_retry(app, users, auth, client):
    report = _submitted(users)
    long_ago = utcnow() - dt.timedelta(minutes=5)
    job = PartyPdfJob(report_id=report.id, revision_id=report.revisions[-1].id, state=CompileState.running,
                      progress=5, stage="Rendering the report", requested_by_id=users.coordinator_al.id,
                      started_at=long_ago, heartbeat_at=long_ago)
    db.session.add(job)
    db.session.commit()
    auth.login("coordinator_al")
    html = client.get(f"/compile/reports/{report.id}/pdf/jobs/{job.id}").get_data(as_text=True)
    assert "could not be made" in html and "worker running this job stopped" in html and "Try again" in html


def test_another_partys_job_is_404(app, users, auth, client):
    report = _submitted(users)
    job = PartyPdfJob(report_id=report.id, revision_id=report.revisions[-1].id, requested_by_id=users.coordinator_al.id)
    db.session.add(job)
    db.session.commit()
    auth.login("coordinator_rs")
    assert client.get(f"/compile/reports/{report.id}/pdf/jobs/{job.id}").status_code == 404
    other = make_round(title="Another round")
    other_report = report_of(other, "AL")
    auth.login("coordinator_al")
    assert client.get(f"/compile/reports/{other_report.id}/pdf/jobs/{job.id}").status_code == 404  # not its report
