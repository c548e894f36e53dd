"""Follow-up processes recorded (issue 15, item 5) and the fact-check a final edition records (item 4),
read from what comes out: the Commission's form (errors naming the field), a party's pages (its own
records only, nothing internal: canaries in the participants, internal notes, another party's record,
an unshared report and an unpublished recommendation), the compiled PDF's annex and a party's part of a
draft (pdftotext), the cover line of the final edition and the editions page."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import sqlalchemy as sa

from ctportal.demo.documents import demo_pdf
from ctportal.infra import storage
from ctportal.models import (Assessment, AuditEvent, CompiledReport, FactcheckCorrection, FactcheckSlice, ProcessRecord,
                             RoundState, db)
from ctportal.pages.audit import sentences
from ctportal.services.editions import factcheck
from ctportal.services.review import judgement, processes
from tests.factories import approve, fill_report, make_round, report_of, submit

CANARY = "CNRY-PROC"
TODAY = dt.date.today()


def _form(**over):
    data = {"kind": "peer_review", "title": "Peer-review mission on firearms", "held_on": "2026-03-10",
            "ends_on": "2026-03-12", "place": "Tirana", "parties": ["AL"], "action_codes": "5.P5, 1.P1",
            "participants": f"{CANARY}-PARTICIPANTS experts", "summary": "The mission found **progress**.",
            "internal_notes": f"{CANARY}-NOTES ask again", "save": "Save"}
    data.update(over)
    return data


def _record(rnd, user, *, title, parties, recs=(), shared=False, report=None, notes="", participants=""):
    made = processes.save(rnd, user, processes.ProcessInput(
        kind="dialogue", title=title, held_on=dt.date(2026, 2, 1), place="Brussels", party_codes=list(parties),
        summary=f"Outcome of {title}.", internal_notes=notes, participants=participants, action_codes="1.P1",
        recommendations=list(recs), report_shared=shared), upload=report)
    db.session.commit()
    return made


def _text(rnd, key, writer, approver, body, recs):
    text = judgement.save(rnd, judgement.slot_of(rnd, key), writer, body=body, assessment=Assessment.some_progress,
                          recommendations=[judgement.RecommendationInput(b, c) for b, c in recs])
    db.session.commit()
    if approver is not None:
        judgement.approve(rnd, text, approver, version=text.version)
        db.session.commit()
    return text


def test_the_commission_records_a_process_and_every_refusal_names_its_field(app, users, auth, client):
    rnd = make_round()
    auth.login("reviewer")
    assert client.get(f"/processes/rounds/{rnd.id}/new").status_code == 200
    cases = [
        ({"kind": ""}, b"Kind of process: Choose the kind of process."),
        ({"title": " "}, b"Title: Give the process a title"),
        ({"held_on": ""}, b"Held on: Enter the date on which it was held."),
        ({"held_on": (TODAY + dt.timedelta(days=2)).isoformat(), "ends_on": ""},
         b"Held on: A process is recorded once it was held"),
        ({"ends_on": "2026-03-01"}, b"Last day (optional): The last day cannot be before the first."),
        ({"place": ""}, b"Place: Enter where it was held"),
        ({"parties": []}, b"Parties concerned: Choose at least one party it concerned."),
        ({"parties": ["ZZ"]}, b"Parties concerned: Choose the parties from the list."),
        ({"action_codes": "1.P1, 9.Z9"}, b"Linked actions: 9.Z9 is not an action code of this round"),
        ({"recommendations": ["999:1"]}, b"Linked recommendations: Choose the recommendations from the list."),
        ({"report_shared": "y"}, b"Share the report document with the parties concerned: Upload the report"),
        ({"title": "x" * 301}, b"Title: Keep the title under 300 characters"),
    ]
    for change, message in cases:
        answer = client.post(f"/processes/rounds/{rnd.id}/new", data=_form(**change))
        assert answer.status_code == 422 and message in answer.data, (change, answer.data[-3000:])
    # A file that is not what it claims is refused by its content, like every upload.
    fake = client.post(f"/processes/rounds/{rnd.id}/new", content_type="multipart/form-data",
                       data=_form(report=(io.BytesIO(b"<html>not a pdf</html>"), "report.pdf")))
    assert fake.status_code == 422 and b"Report document: This type of file is not accepted" in fake.data
    assert db.session.scalar(sa.select(sa.func.count(ProcessRecord.id))) == 0

    saved = client.post(f"/processes/rounds/{rnd.id}/new", content_type="multipart/form-data",
                        data=_form(report=(io.BytesIO(demo_pdf("Mission report", ["Tirana"])), "mission.html"),
                                   report_shared="y"))
    assert saved.status_code == 302
    record = db.session.scalar(sa.select(ProcessRecord))
    assert record.title == "Peer-review mission on firearms" and [p.code for p in record.parties] == ["AL"]
    assert record.action_codes == ["5.P5", "1.P1"] and record.report_name == "mission.pdf"
    assert record.report_type == "application/pdf" and record.ends_on == dt.date(2026, 3, 12)
    page = client.get(f"/processes/{record.id}").data.decode()
    assert "Peer-review mission on firearms" in page and f"{CANARY}-NOTES" in page
    assert "<strong>progress</strong>" in page
    listed = client.get(f"/processes/?round={rnd.id}&party=AL").data.decode()
    assert "Peer-review mission on firearms" in listed
    assert "Peer-review mission on firearms" not in client.get(f"/processes/?round={rnd.id}&party=RS").data.decode()
    download = client.get(f"/processes/{record.id}/report")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")

    # Changed by another reviewer; a page opened before that change is refused, nothing lost.
    form = _form(title="Peer-review mission on firearms (revised)", version=str(record.version))
    assert client.post(f"/processes/{record.id}/edit", data=form).status_code == 302
    stale = client.post(f"/processes/{record.id}/edit", data=_form(title="Older page", version="1"))
    assert stale.status_code == 422 and b"Someone saved this record after you opened it" in stale.data
    db.session.expire_all()
    assert db.session.get(ProcessRecord, record.id).title.endswith("(revised)")
    auth.logout()

    # The audit trail tells each step in a sentence.
    events = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("process.%"))
                                     .order_by(AuditEvent.id)))
    said = sentences(events, {e.id: e.detail for e in events})
    assert [said[e.id] for e in events] == [
        f"{users.reviewer.name} recorded a follow-up process of {rnd.title}",
        f"{users.reviewer.name} downloaded the report of a follow-up process of {rnd.title}",
        f"{users.reviewer.name} changed the record of a follow-up process of {rnd.title}"]

    # A closed round's processes are no longer changed (403), and nobody else records any (404).
    rnd.state = RoundState.closed
    db.session.commit()
    auth.login("secretariat")
    assert client.get(f"/processes/rounds/{rnd.id}/new").status_code == 403
    assert client.post(f"/processes/{record.id}/edit", data=_form()).status_code == 403
    auth.logout()
    auth.login("coordinator_al")
    assert client.get(f"/processes/rounds/{rnd.id}/new").status_code == 404
    assert client.get(f"/processes/{record.id}/edit").status_code == 404


def test_a_party_reads_only_its_own_records_and_nothing_internal(app, users, auth, client):
    rnd = make_round()
    al = _text(rnd, "party-AL", users.reviewer, users.reviewer2, "Albania's assessment.",
               [("Adopt the strategy", ["1.P1"])])
    _text(rnd, "party-RS", users.reviewer, None, "Serbia's draft.", [(f"{CANARY}-RS-RECOMMENDATION", ["1.P1"])])
    rs = judgement.text_of(rnd, judgement.slot_of(rnd, "party-RS"))
    pdf = demo_pdf(f"{CANARY}-REPORT-FILE", ["internal"])
    own = _record(rnd, users.reviewer, title="Regional meeting", parties=["AL", "RS"],
                  recs=[f"{al.id}:1", f"{rs.id}:1"], notes=f"{CANARY}-NOTES", participants=f"{CANARY}-PARTICIPANTS",
                  report=(io.BytesIO(pdf), "minutes.pdf"))
    other = _record(rnd, users.reviewer, title=f"{CANARY}-OTHER-TITLE", parties=["RS"])

    auth.login("coordinator_al")
    listed = client.get("/processes/")
    text = listed.data.decode()
    assert listed.status_code == 200 and "Regional meeting" in text and "Outcome of Regional meeting." in text
    assert CANARY not in text and "Serbia" not in text
    page = client.get(f"/processes/{own.id}").data.decode()
    assert "Regional meeting" in page and "1.P1" in page and CANARY not in page and "Serbia" not in page
    # Albania's recommendation is not published yet (no final edition): not shown either.
    assert "Adopt the strategy" not in page
    assert client.get(f"/processes/{other.id}").status_code == 404
    assert client.get(f"/processes/{other.id}").data == client.get("/processes/999999").data
    assert client.get(f"/processes/{own.id}/report").status_code == 404  # not shared
    assert client.get(f"/processes/{own.id}/edit").status_code == 404
    assert client.get(f"/processes/rounds/{rnd.id}/new").status_code == 404
    auth.logout()

    # Shared, the party downloads the report; published (a final edition carries the text), it reads
    # its own recommendation beside the record.
    own.report_shared = True
    from ctportal.models import CompiledReportText, CompileState
    edition = CompiledReport(round_id=rnd.id, state=CompileState.done, requested_by_id=users.secretariat.id)
    db.session.add(edition)
    db.session.flush()
    db.session.add(CompiledReportText(compiled_report_id=edition.id, text_id=al.id, version=al.version))
    rnd.state = RoundState.closed
    db.session.commit()
    auth.login("coordinator_al")
    assert client.get(f"/processes/{own.id}/report").data.startswith(b"%PDF")
    page = client.get(f"/processes/{own.id}").data.decode()
    assert "Adopt the strategy" in page and CANARY not in page
    auth.logout()
    # The EU reporter, the observer and the admin have no list of Albania's processes.
    auth.login("reporter_europol")
    assert "Regional meeting" not in client.get("/processes/").data.decode()
    assert client.get(f"/processes/{own.id}").status_code == 404
    auth.logout()
    auth.login("admin")
    assert client.get("/processes/").status_code == 403
    assert client.get(f"/processes/{own.id}").status_code == 403


def _pages(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True).stdout.decode()
    return "\f".join(" ".join(page.split()) for page in out.split("\f"))  # reading order, lines joined


def test_the_annex_and_the_fact_check_a_final_edition_records(app, users, runner, auth, client, tmp_path):
    rnd = make_round()
    for code, who in (("AL", users.coordinator_al), ("RS", users.coordinator_rs)):
        report = fill_report(report_of(rnd, code), f"{code} reported on {{key}}.")
        submit(report, who)
        approve(report, users.reviewer)
    al = _text(rnd, "party-AL", users.reviewer, users.reviewer2, "Albania's assessment.",
               [("Adopt the strategy", ["1.P1"])])
    _record(rnd, users.reviewer, title="Peer-review mission to Albania", parties=["AL"], recs=[f"{al.id}:1"],
            notes=f"{CANARY}-NOTES", participants=f"{CANARY}-PARTICIPANTS")
    _record(rnd, users.secretariat, title="Dialogue with Serbia", parties=["RS"])

    # A draft: each party's part has its own processes only.
    result = runner.invoke(args=["compile-edition", str(rnd.id), "--draft"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    draft = db.session.scalar(sa.select(CompiledReport).where(CompiledReport.draft.is_(True)))
    parts = {s.party_id: _pages(storage.path_for("compiled", s.stored_name).read_bytes(), tmp_path)
             for s in db.session.scalars(sa.select(FactcheckSlice))}
    al_part, rs_part = parts[report_of(rnd, "AL").party_id], parts[report_of(rnd, "RS").party_id]
    assert "Annex XI — Follow-up processes" in al_part and "Peer-review mission to Albania" in al_part
    assert "Recommendation 1 to Albania" in al_part and "Dialogue with Serbia" not in al_part
    assert "Dialogue with Serbia" in rs_part and "Peer-review mission to Albania" not in rs_part
    assert CANARY not in al_part + rs_part

    # The secretariat opens the period, Albania sends a correction, the secretariat answers it.
    factcheck.open_period(draft, TODAY, users.secretariat)
    part = factcheck.slice_for(draft, users.coordinator_al.party_id)
    row = factcheck.add_correction(part, users.coordinator_al, "1.P1", "The date is wrong.")
    factcheck.resolve(row, users.secretariat, "accepted", "Corrected.")
    db.session.commit()

    result = runner.invoke(args=["compile-edition", str(rnd.id)])
    assert result.exit_code == 0, result.output
    text = _pages(Path(result.output.strip().splitlines()[-1]).read_bytes(), tmp_path)
    first = text.split("\f")[0]
    assert "Fact-check: draft edition of" in first and "1 correction sent by Albania" in first
    assert f"all answered by {users.secretariat.name} (1 accepted)" in first
    assert "Annex XI — Follow-up processes" in text.split("\f")[1]  # in the contents
    annex = text[text.rindex("Annex XI — Follow-up processes"):]
    assert "Peer-review mission to Albania" in annex and "Dialogue with Serbia" in annex
    assert "Parties concerned: Albania" in annex and "Recommendation 1 to Albania" in annex
    assert CANARY not in text
    db.session.expire_all()
    final = db.session.scalar(sa.select(CompiledReport).where(CompiledReport.draft.is_(False)))
    assert final.factcheck_draft_id == draft.id
    assert db.session.scalar(sa.select(sa.func.count(FactcheckCorrection.id))) == 1
    auth.login("secretariat")
    page = " ".join(client.get(f"/compile/rounds/{rnd.id}").data.decode().split())
    assert f"Fact-check: draft edition {draft.id} of" in page and "1 correction sent, 1 answered" in page


def test_a_process_recorded_after_an_edition_makes_the_next_compile_differ(app, users):
    from ctportal.models import CompiledReportRevision, CompileState, utcnow
    from ctportal.services.editions.preview import preview

    rnd = make_round()
    report = fill_report(report_of(rnd, "AL"))
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    edition = CompiledReport(round_id=rnd.id, state=CompileState.done, requested_by_id=users.secretariat.id,
                             finished_at=utcnow())
    db.session.add(edition)
    db.session.flush()
    db.session.add(CompiledReportRevision(compiled_report_id=edition.id, revision_id=report.approved_revision_id))
    db.session.commit()
    assert preview(rnd).unchanged_since == edition
    _record(rnd, users.reviewer, title="Dialogue after the edition", parties=["AL"])
    assert preview(rnd).unchanged_since is None
