"""The demo round: every role finds something to do, the content is complete, credible and stable."""
from __future__ import annotations

import io
import re
import time

import pyotp
import sqlalchemy as sa
from pypdf import PdfReader

from ctportal.models import (Assessment, Comment, Document, Entry, EntryKind, EntryReview, EntryStatus, Party,
                             PriorityAction, Report, ReportState, Revision, RevisionDocument, Role, Round, User,
                             Verdict, Visibility, db)
from ctportal.infra import storage
from ctportal.services.reporting.completeness import missing_items
from ctportal.demo.documents import demo_pdf
from ctportal.services.reporting.progress import report_progress

EXPECTED_STATES = {
    "AL": ReportState.submitted, "BA": ReportState.draft, "XK": ReportState.draft,
    "ME": ReportState.changes_requested, "MK": ReportState.draft, "RS": ReportState.approved,
    "EC": ReportState.submitted, "EUROPOL": ReportState.draft, "EUROJUST": ReportState.approved,
}
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def reports() -> dict[str, Report]:
    """The demo round's reports (the demo's previous round has its own: tests/test_demo_content.py below)."""
    return {r.party.code: r for r in db.session.scalars(
        sa.select(Report).join(Party).join(Round).where(Round.document_number == "DEMO 1/26"))}


def entry(code: str, key: str) -> Entry:
    return next(e for e in reports()[code].entries if e.key == key)


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def is_filled(e: Entry) -> bool:
    return bool(e.narrative.strip() or e.na_justification.strip())


def test_each_report_is_in_the_state_the_walk_through_needs(demo):
    assert {code: r.state for code, r in reports().items()} == EXPECTED_STATES


def test_drafts_are_partly_answered_and_submitted_reports_complete(demo):
    percent = {code: report_progress(r).percent for code, r in reports().items()}
    assert 60 <= percent["MK"] <= 80
    assert 30 <= percent["BA"] <= 50
    assert 20 < percent["XK"] < 90 and 20 < percent["EUROPOL"] < 100
    for code in ("AL", "ME", "RS", "EC", "EUROJUST"):
        assert percent[code] == 100 and missing_items(reports()[code]) == [], code


def test_every_filled_entry_is_complete_and_substantial(demo):
    filled = [e for r in reports().values() for e in r.entries if is_filled(e)]
    assert len(filled) > 150
    for e in filled:
        assert e.status is not None, e.key
        if e.status == EntryStatus.not_applicable:
            assert len(e.na_justification.split()) >= 20 and not e.narrative
            continue
        words = len(e.narrative.split())
        assert 80 <= words <= 250, (e.report.party.code, e.key, words)
        assert e.next_steps and e.next_steps_timeline and e.responsible_institutions, e.key
        rnd = e.report.round
        # "Not started" has nothing to show yet; everything else lists two or three measures.
        assert (len(e.measures) == 0) if e.status == EntryStatus.not_started else (2 <= len(e.measures) <= 3), e.key
        assert all(rnd.period_start <= m.taken_on <= rnd.period_end for m in e.measures), e.key
        for act in e.legal_acts:
            assert act.title and act.gazette_reference and rnd.period_start <= act.adopted_on <= rnd.period_end


def test_entries_pass_the_same_validation_as_the_entry_form(demo):
    from ctportal.services.reporting.entries import EntryData, validate
    for r in reports().values():
        for e in r.entries:
            assert validate(EntryData.of(e)) == [], (r.party.code, e.key)


def test_content_is_specific_to_the_action_and_the_party(demo):
    narratives = [e.narrative for r in reports().values() for e in r.entries if e.narrative]
    assert len(set(narratives)) == len(narratives), "two entries read exactly the same"
    assert "Directive (EU) 2017/541" in entry("AL", "1.P1").narrative
    assert "SIENA" in entry("RS", "3.P4").narrative or "SIENA" in " ".join(
        m.description for m in entry("RS", "3.P4").measures)


def test_partner_names_are_in_their_own_languages_and_scripts(demo):
    def text(code):
        return " ".join(e.narrative + e.responsible_institutions + " ".join(a.gazette_reference for a in e.legal_acts)
                        for e in reports()[code].entries)

    assert CYRILLIC.search(text("RS")) and "Службени гласник РС" in text("RS")
    assert CYRILLIC.search(text("MK")) and "Национален комитет за спречување насилен екстремизам" in text("MK")
    assert "Qendra për Përballimin e Ekstremizmit të Dhunshëm" in text("AL") and "Fletorja Zyrtare nr." in text("AL")
    assert re.search(r"[čćšžđ]", text("BA")) and re.search(r"[čćšžđ]", text("ME"))
    assert "ë" in text("XK") and "ç" in text("AL")
    assert "Kosovo*" in text("EC")


def test_the_content_is_the_same_on_every_run(runner, app, tmp_path_factory):
    def snapshot():
        # A priority entry's key holds the priority action's id, which a database sequence numbers anew.
        return sorted((r.round.document_number, r.party.code,
                       e.key if e.kind != EntryKind.priority else f"PA on {e.action.code}",
                       e.status.value if e.status else "", e.narrative,
                       tuple((m.description, m.taken_on) for m in e.measures),
                       tuple((a.title, a.gazette_reference) for a in e.legal_acts),
                       tuple(sorted((f.category, f.baseline, f.target, f.actual) for f in e.figures)))
                      for r in db.session.scalars(sa.select(Report)) for e in r.entries)

    from tests import demo_world
    demo_world.seeded(app, runner, tmp_path_factory.mktemp("demo"))  # seeded, or the kept seeding put back
    first = snapshot()
    for table in ("observer_consent", "comment", "entry_review", "revision_document", "document", "report_event",
                  "notification", "outgoing_mail", "legal_act", "measure", "follow_up", "entry_figure",
                  "factcheck_correction", "factcheck_slice", "compiled_report_revision", "compiled_report_text",
                  "compiled_report", "rendered_part", "process_record_party", "process_record"):
        db.session.execute(sa.text(f'DELETE FROM "{table}"'))
    # The Commission's indicator of the demo round goes with its round; the catalogue's stay with the plan.
    db.session.execute(sa.text('DELETE FROM "indicator" WHERE round_id IS NOT NULL'))
    db.session.execute(sa.update(Report).values(approved_revision_id=None, copied_from_revision_id=None))
    for table in ("revision", "entry", "report", "priority_action", "recommendation", "commission_text",
                  "reporting_round"):
        db.session.execute(sa.text(f'DELETE FROM "{table}"'))
    db.session.commit()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    assert snapshot() == first


def test_serbia_was_approved_on_its_second_revision_with_the_commissions_assessment(demo):
    rs = reports()["RS"]
    assert [rev.number for rev in rs.revisions] == [1, 2]
    assert rs.approved_revision.number == 2
    assert db.session.get(User, rs.approved_by_id).email == "reviewer@demo.ctportal.eu"
    reviews = db.session.scalars(sa.select(EntryReview).where(EntryReview.report_id == rs.id)).all()
    assert len(reviews) >= 5
    assert all(r.verdict == Verdict.accepted and r.assessment in Assessment for r in reviews)
    assert {r.revision_id for r in reviews} == {rs.approved_revision_id}
    # What the reviewer asked for on revision 1 is in revision 2, and the thread is resolved.
    first, second = ({e["key"]: e for e in rev.snapshot["entries"]} for rev in rs.revisions)
    assert first["4.P2"]["legal_acts"] == [] and second["4.P2"]["legal_acts"][0]["gazette_reference"]
    asked = db.session.scalar(sa.select(Comment).where(Comment.report_id == rs.id, Comment.entry_id.is_not(None),
                                                       Comment.parent_id.is_(None), Comment.is_system.is_(False)))
    assert asked.resolved_at is not None and len(asked.replies) == 1


def test_montenegro_has_shared_comments_on_two_entries_and_internal_ones(demo):
    me = reports()["ME"]
    comments = db.session.scalars(sa.select(Comment).where(Comment.report_id == me.id,
                                                           Comment.is_system.is_(False))).all()
    shared = [c for c in comments if c.visibility == Visibility.shared]
    internal = [c for c in comments if c.visibility == Visibility.internal]
    assert len({c.entry_id for c in shared}) == 2 and internal
    assert all(c.author.role == Role.reviewer for c in internal)
    needs = db.session.scalars(sa.select(EntryReview).where(EntryReview.report_id == me.id)).all()
    assert {r.entry_key for r in needs} == {"2.P1", "4.P1"}
    assert all(r.verdict == Verdict.needs_revision for r in needs)
    assert not entry("ME", "4.P1").legal_acts  # what the shared comment asks to add


def test_internal_comments_never_reach_the_party(demo, client):
    internal = db.session.scalars(sa.select(Comment).where(Comment.visibility == Visibility.internal)).all()
    assert internal and {c.report_id for c in internal} == {reports()["ME"].id}
    response = client.post("/login", data={"email": "coordinator.me@demo.ctportal.eu",
                                           "password": "demo-portal-passphrase"})
    assert response.status_code == 302
    me = reports()["ME"]
    pages = [client.get(f"/reports/{me.id}"), client.get(f"/reports/{me.id}/feedback"),
             client.get(f"/reports/{me.id}/comments")]
    for e in me.entries:
        if any(c.entry_id == e.id for c in Comment.query.filter_by(report_id=me.id)):
            pages.append(client.get(f"/reports/{me.id}/entries/{e.id}"))
            pages.append(client.get(f"/reports/{me.id}/entries/{e.id}/comments"))
    bodies = [p.get_data(as_text=True) for p in pages if p.status_code == 200]
    assert len(bodies) >= 3, "the report's pages could not be opened"
    # The shared comments are there, so the check below looks at the right pages.
    assert any("number of returnees" in body for body in bodies)
    for c in internal:
        assert all(c.body[:40] not in body for body in bodies)


def test_kosovo_has_entries_copied_from_the_previous_round(demo):
    xk = reports()["XK"]
    copied = [e for e in xk.entries if e.copied_from_previous]
    assert len(copied) >= 3
    assert all(is_filled(e) and e.updated_at is None for e in copied)
    assert any(is_filled(e) and not e.copied_from_previous for e in xk.entries)


def test_priority_actions_of_albania_and_serbia_have_their_entries(demo):
    priorities = db.session.scalars(sa.select(PriorityAction)).all()
    assert {p.action.code for p in priorities} == {"2.P3", "4.P2", "2.P6"}
    assert all(db.session.get(User, p.created_by_id).role == Role.reviewer for p in priorities)
    for p in priorities:
        party = db.session.get(Party, p.party_id)
        e = next(e for e in reports()[party.code].entries if e.key == f"PA{p.id}")
        assert e.kind == EntryKind.priority and e.priority_action_id == p.id and is_filled(e)
        assert "priority action" in e.narrative


def test_documents_are_valid_pdfs_frozen_in_the_submitted_revisions(demo):
    docs = db.session.scalars(sa.select(Document)).all()
    assert {d.report_id for d in docs} == {reports()["AL"].id, reports()["RS"].id}
    for doc in docs:
        data = storage.path_for("documents", doc.stored_name).read_bytes()
        assert storage.sha256_of("documents", doc.stored_name) == doc.sha256 and len(data) == doc.size
        assert "demo document" in PdfReader(io.BytesIO(data)).pages[0].extract_text().lower()
        first_revision = db.session.scalar(sa.select(Revision).where(Revision.report_id == doc.report_id,
                                                                     Revision.number == 1))
        assert db.session.get(RevisionDocument, (first_revision.id, doc.id)) is not None


def test_the_demo_pdf_is_well_formed():
    reader = PdfReader(io.BytesIO(demo_pdf("Title (demo)", ["Line with ë and \\ and (brackets)"])), strict=True)
    assert len(reader.pages) == 1 and "Title (demo)" in reader.pages[0].extract_text()


def test_every_role_has_something_on_its_home_page(demo, client):
    def home_as(email):
        client.post("/logout")
        client.post("/login", data={"email": email, "password": "demo-portal-passphrase"})
        account = user(email)
        if account.totp_enabled:
            client.post("/login/second-factor", data={"code": pyotp.TOTP(account.totp_secret).now()})
        return client.get("/home").get_data(as_text=True)

    assert "Submitted" in home_as("coordinator.al@demo.ctportal.eu")
    assert "Changes requested" in home_as("coordinator.me@demo.ctportal.eu")
    mk = reports()["MK"]
    assert f"{report_progress(mk).answered} of 39 entries answered" in home_as("coordinator.mk@demo.ctportal.eu")
    reviewer_home = home_as("secretariat@demo.ctportal.eu")
    assert all(state in reviewer_home for state in ("Draft", "Submitted", "Changes requested", "Approved"))


def test_writing_the_demo_content_stays_fast(runner, app, monkeypatch):
    # seed-demo runs at every `make run`. Most of its time is hashing fifteen passwords (not timed
    # here: it depends on the argon2 cost); the content and the workflow steps must stay quick.
    from ctportal.demo import walkthrough

    took = []
    fill = walkthrough.fill

    def timed(rnd):
        started = time.monotonic()
        fill(rnd)
        took.append(time.monotonic() - started)

    monkeypatch.setattr(walkthrough, "fill", timed)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert len(took) == 1 and took[0] < 5


def test_the_reviewers_request_matches_what_montenegro_wrote(demo):
    e = entry("ME", "4.P1")
    assert any("Law aligned" in m.description for m in e.measures) and not e.legal_acts


def test_seed_demo_works_from_the_command_line_outside_any_request(tmp_path):
    """`make run` calls the real CLI: no test request context is pushed there, unlike under pytest-flask."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, CTPORTAL_ENV="development",
               CTPORTAL_DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
               CTPORTAL_STORAGE_DIR=str(tmp_path / "files"), CTPORTAL_MAIL_BACKEND="console")
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for command in ("init-db", "seed-demo"):
        done = subprocess.run([*flask, command], cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
    assert "demo-portal-passphrase" in done.stdout


def test_serbia_answers_the_recommendations_of_the_previous_round_published_in_its_final_edition(demo, client):
    """judgement.yaml, previous_round (issue 15, item 2): the round before the demo round is closed with a
    final edition carrying the assessment of Serbia; Serbia's demo report answers its two recommendations."""
    from ctportal import policy
    from ctportal.models import CommissionText, FollowUpStatus, RoundState
    from ctportal.services.reporting import follow_ups

    before = db.session.scalar(sa.select(Round).where(Round.document_number == "DEMO 1/25"))
    assert before is not None and before.state == RoundState.closed
    text = db.session.scalar(sa.select(CommissionText).where(CommissionText.round_id == before.id,
                                                             CommissionText.slot == "party-RS"))
    assert policy.is_published_text(before, text) and len(text.recommendations) == 2
    report = reports()["RS"]
    assert [(f.number, f.status) for f in follow_ups.of_report(report)] == [
        (1, FollowUpStatus.implemented), (2, FollowUpStatus.partly_implemented)]
    frozen = report.approved_revision.snapshot["follow_ups"]
    assert [f["round_title"] for f in frozen] == ["Progress report 2025 (demo)"] * 2
    assert "Law on the Freezing of Assets" in frozen[0]["narrative"]
    for code in ("AL", "ME", "BA"):
        assert follow_ups.of_report(reports()[code]) == []
    # Serbia's coordinator reads them on the report's overview, the reviewer on the review page.
    client.post("/login", data={"email": "coordinator.rs@demo.ctportal.eu", "password": "demo-portal-passphrase"})
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Follow-up of the recommendations (2)" in page and "Partly implemented" in page
    client.post("/logout")
    reviewer = user("reviewer@demo.ctportal.eu")
    client.post("/login", data={"email": reviewer.email, "password": "demo-portal-passphrase"})
    client.post("/login/second-factor", data={"code": pyotp.TOTP(reviewer.totp_secret).now()})
    page = client.get(f"/review/reports/{report.id}").get_data(as_text=True)
    assert "security accreditation" in page and "Recommendation 2 of “Progress report 2025 (demo)”" in page


def test_the_demo_shows_the_work_inside_two_partners(demo, client):
    """Issue 18: institutions and assignments for Albania and Bosnia and Herzegovina, some entries ready, some
    accepted, one sent back with a note; the contributor sees what is assigned to her, the coordinator the board."""
    from ctportal.models import EntryWork, Institution, SignOff
    from ctportal.demo.loader import demo_data
    for code in ("AL", "BA"):
        report = reports()[code]
        works = list(db.session.scalars(sa.select(EntryWork).where(EntryWork.report_id == report.id)))
        states = {w.state for w in works}
        assert {SignOff.ready, SignOff.accepted, SignOff.returned} <= states, code
        assert db.session.scalar(sa.select(sa.func.count(Institution.id)).where(
            Institution.party_id == report.party_id)) >= 8
        assert all(w.due_on is None or w.due_on < report.round.submission_deadline for w in works)
    albania = reports()["AL"]
    client.post("/login", data={"email": "contributor.al@demo.ctportal.eu", "password": demo_data().cast.password})
    page = re.sub(r"\s+", " ", client.get(f"/reports/{albania.id}").get_data(as_text=True))
    mine = page[page.index("Assigned to me"):page.index("Who drafts what")]
    assert "Action 1.P1" in mine and "Accepted by the coordinator" in mine and "Ready for the coordinator" in mine
    board = client.get(f"/reports/{albania.id}/board").get_data(as_text=True)
    assert "Elira Çela" in board and "Ministria" in board


def test_a_report_of_the_closed_round_reads_as_history_on_the_home_page(demo, client):
    """Bosnia and Herzegovina did not report in the demo's closed previous round: its home page says the
    round closed and when, not "Deadline … (passed 462 days ago)" with a progress bar to fill."""
    client.post("/login", data={"email": "coordinator.ba@demo.ctportal.eu", "password": "demo-portal-passphrase"})
    page = re.sub(r"\s+", " ", client.get("/home").get_data(as_text=True))
    closed = page[page.index("Progress report 2025 (demo)"):]
    current = page[page.index("Progress report 2026 (demo)"):page.index("Progress report 2025 (demo)")]
    assert "The round closed on" in closed and "can no longer change" in closed
    assert "Deadline" not in closed.split("</section>")[0] and 'role="progressbar"' not in closed.split("</section>")[0]
    assert "Deadline" in current and 'role="progressbar"' in current


def test_the_previous_round_shows_a_finished_fact_check_and_its_follow_up_processes(demo, client, tmp_path):
    """judgement.yaml, previous_round (issue 15, items 4, 5, 10): a draft edition whose period is over, Serbia's
    two corrections answered by the secretariat, then the final edition recording it on its cover; four
    follow-up processes (a peer-review mission, a Regional Network meeting, a WBCTi meeting, a dialogue) linked
    to actions and to Serbia's recommendations, in the final edition's annex; one process in the demo round."""
    import datetime as dt
    import subprocess

    from ctportal import policy
    from ctportal.models import CompiledReport, FactcheckCorrection, ProcessKind, ProcessRecord

    before = db.session.scalar(sa.select(Round).where(Round.document_number == "DEMO 1/25"))
    draft, final = db.session.scalars(sa.select(CompiledReport).where(CompiledReport.round_id == before.id)
                                      .order_by(CompiledReport.id)).all()
    assert draft.draft and not policy.is_factcheck_open(draft) and draft.factcheck_ends_on < dt.date.today()
    corrections = db.session.scalars(sa.select(FactcheckCorrection).where(
        FactcheckCorrection.edition_id == draft.id)).all()
    secretariat = user("secretariat@demo.ctportal.eu")
    assert sorted(c.outcome for c in corrections) == ["accepted", "not_accepted"]
    assert {c.resolved_by_id for c in corrections} == {secretariat.id}
    assert policy.is_final_edition(before, final) and final.factcheck_draft_id == draft.id
    pdf = tmp_path / "final.pdf"
    pdf.write_bytes(storage.path_for("compiled", final.stored_name).read_bytes())
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True).stdout.decode()
    cover = " ".join(text.split("\f")[0].split())
    assert "Fact-check: draft edition of" in cover and "2 corrections sent by Serbia, all answered by" in cover
    assert secretariat.name in cover

    records = db.session.scalars(sa.select(ProcessRecord).where(ProcessRecord.round_id == before.id)).all()
    assert {r.kind for r in records} == set(ProcessKind)
    assert all(r.action_codes for r in records) and sum(len(r.recommendations) for r in records) == 4
    mission = next(r for r in records if r.kind == ProcessKind.peer_review)
    assert mission.report_stored and mission.report_shared and mission.internal_notes
    annex = " ".join(text[text.rindex("Annex XI — Follow-up processes"):].split())
    assert all(r.title in annex for r in records) and "Recommendation 2 to Serbia" in annex
    assert mission.internal_notes.strip() not in annex and "Administration for the Prevention" not in annex
    current = db.session.scalar(sa.select(Round).where(Round.document_number == "DEMO 1/26"))
    assert db.session.scalar(sa.select(sa.func.count(ProcessRecord.id)).where(ProcessRecord.round_id == current.id))

    # Serbia's coordinator reads the four, the mission's report and its answered corrections; not the notes.
    client.post("/login", data={"email": "coordinator.rs@demo.ctportal.eu", "password": "demo-portal-passphrase"})
    page = client.get("/processes/").get_data(as_text=True)
    assert all(r.title in page for r in records) and mission.internal_notes.strip() not in page
    assert "Administration for the Prevention" not in page
    assert client.get(f"/processes/{mission.id}/report").data.startswith(b"%PDF")
    answers = client.get(f"/fact-check/{draft.id}").get_data(as_text=True)
    assert "The secretariat: accepted" in answers and "The secretariat: not accepted" in answers
    # The round's export carries each recommendation beside Serbia's follow-up (issue 15, item 2).
    import io

    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/exports/rounds/{current.id}.xlsx").data))
    sheet = [row for row in book["Recommendations followed up"].iter_rows(values_only=True)]
    assert sheet[0][:4] == ("Party", "Data shown", "Recommendation of", "Recommendation")
    assert [(r[0], r[3], r[6]) for r in sheet[1:]] == [("Serbia", 1, "Implemented"),
                                                        ("Serbia", 2, "Partly implemented")]
