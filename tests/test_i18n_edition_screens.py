"""The editions pages of issue 17 in a partner language: the consolidated report's index, a round's
compile page with its editions, its draft and the corrections per party (the secretariat, Macedonian),
a party's fact-check page (its coordinator, Albanian), a party PDF's progress page (Serbian), and the
texts the portal stores in English (domain/stored_text.py): a job's stage and a system comment, said
in the reader's language when read. No English string of the portal's catalogue is left in what the
pages show (names from the data, the plan's English text and what people wrote are allowed)."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ctportal.domain import stored_text
from ctportal.models import CompiledReport, CompileState, PartyPdfJob, User, db
from ctportal.services.editions import party_jobs
from tests.factories import fill_report, make_round, report_of, request_changes, submit
from tests.i18n_support import tool
from tests.test_factcheck import _draft, _round
from tests.test_i18n_desk_screens import _check, _plan_texts
from tests.test_i18n_screens import shown


@pytest.fixture(autouse=True)
def _compiled():
    tool()


def _language(users, key: str, code: str) -> User:
    db.session.get(User, users[key].id).language = code
    db.session.commit()
    return users[key]


def _speaks(client, path, code, *expected, allowed=frozenset()):
    response = client.get(path)
    assert response.status_code == 200, path
    return _check(response.get_data(as_text=True), path, code, expected, set(allowed))


def test_the_editions_pages_speak_macedonian_to_the_secretariat_and_albanian_to_a_party(
        app, users, runner, auth, client):
    rnd = _round(users)
    edition = _draft(runner, rnd)
    data = {rnd.title, rnd.document_number, rnd.meeting_name, rnd.meeting_place, edition.sha256[:16]}
    _language(users, "secretariat", "mk")
    auth.login("secretariat")
    _speaks(client, "/compile/", "mk", "Консолидиран извештај", "Круговите и нивното последно издание",
            "Последно издание", allowed=data)
    ends = dt.date.today() + dt.timedelta(days=5)
    opened = client.post(f"/compile/rounds/{rnd.id}/editions/{edition.id}/fact-check",
                         data={"ends_on": ends.isoformat()}, follow_redirects=True)
    flashed = shown(opened.get_data(as_text=True))
    assert f"Проверката на фактите на нацрт-изданието {edition.id} е отворена до" in flashed
    auth.logout()

    _language(users, "coordinator_al", "sq")
    auth.login("coordinator_al")
    page = f"/fact-check/{edition.id}"
    _speaks(client, page, "sq", "Dërgoni një korrigjim", "Asnjë ende.", allowed=data)
    sent = client.post(f"{page}/corrections", data={"action_code": "1.P1", "body": "Ligji u miratua në mars."},
                       follow_redirects=True)
    _check(sent.get_data(as_text=True), page, "sq", ("Ligji u miratua në mars.",), data)
    auth.logout()

    auth.login("secretariat")
    text = _speaks(client, f"/compile/rounds/{rnd.id}", "mk", "Изданија", "Секое составување од овој круг",
                   "Исправки по страни", "Ligji u miratua në mars.",
                   allowed=data | _plan_texts())
    assert "Состави повторно" in text and "Преземете PDF" in text
    # Compiling says so in Macedonian; a running job's stored (English) stage is read in Macedonian.
    response = client.post(f"/compile/rounds/{rnd.id}/compile", follow_redirects=True)
    assert "Се составува консолидираниот извештај" in shown(response.get_data(as_text=True))
    active = db.session.scalars(sa.select(CompiledReport).order_by(CompiledReport.id.desc())).first()
    active.state, active.progress = CompileState.running, 40
    active.stage = stored_text.fill(stored_text.RENDERED_PART, done=3, count=9)
    db.session.commit()
    _speaks(client, f"/compile/rounds/{rnd.id}", "mk", f"Издание {active.id}: во тек — Изработени 3 од 9 дела (40%).",
            allowed=data | _plan_texts())
    status = client.get(f"/compile/rounds/{rnd.id}/status.json").get_json()
    assert status["stage"] == "Rendered 3 of 9 parts"  # stored as written
    assert status["text"].startswith(f"Издание {active.id}: во тек — Изработени 3 од 9 дела (40%).")

def test_a_party_pdf_in_progress_speaks_serbian(app, users, auth, client, monkeypatch):
    report = fill_report(report_of(make_round(), "RS"))
    submit(report, users.coordinator_rs)
    db.session.commit()
    monkeypatch.setattr(party_jobs, "enqueue", lambda job_id: None)  # a job server that has not taken it yet
    _language(users, "coordinator_rs", "sr")
    auth.login("coordinator_rs")
    location = client.get(f"/compile/reports/{report.id}/pdf").headers["Location"]
    _speaks(client, location, "sr", "Израда PDF-а", "PDF: на чекању — Чека почетак (0%).",
            "Ова страница се сама ажурира", allowed={"Progress report 2026"})
    job = db.session.scalar(sa.select(PartyPdfJob))
    job.state, job.stage, job.error = CompileState.failed, stored_text.FAILED, stored_text.PDF_FAILED
    db.session.commit()
    _speaks(client, location, "sr", "PDF није могао да се изради", "Покушајте поново")
    # An error no message of the set made (an exception's own words) is shown as stored, marked English.
    job.error = "RenderError: Chromium exited"
    db.session.commit()
    assert '<span lang="en">RenderError: Chromium exited</span>' in client.get(location).get_data(as_text=True)


def test_system_comments_are_stored_in_english_and_read_in_the_readers_language(app, users, auth, client):
    report = fill_report(report_of(make_round(), "AL"))
    submit(report, users.coordinator_al)
    request_changes(report, users.reviewer, reason="Shtoni datat e ligjit.")
    from ctportal.models import Comment
    bodies = [c.body for c in db.session.scalars(sa.select(Comment).where(Comment.is_system.is_(True))
                                                 .order_by(Comment.id))]
    assert bodies == [f"{users.coordinator_al.name} submitted the report (revision 1).",
                      f"{users.reviewer.name} requested changes (revision 1). Reason: Shtoni datat e ligjit."]
    parsed = stored_text.parse(bodies[1])
    assert parsed and parsed.message == stored_text.REQUESTED_REV and parsed.reason == "Shtoni datat e ligjit."
    _language(users, "coordinator_al", "sq")
    auth.login("coordinator_al")
    html = client.get(f"/reports/{report.id}/feedback").get_data(as_text=True)
    text = shown(html)
    assert f"{users.reviewer.name} kërkoi ndryshime (rishikimi 1). Arsyeja: Shtoni datat e ligjit." in text
    assert f"{users.coordinator_al.name} dorëzoi raportin (rishikimi 1)." in text
    assert "requested changes" not in text and "submitted the report" not in text
