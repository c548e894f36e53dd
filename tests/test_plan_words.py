"""The plan's own words everywhere (issue 15, item 7): lead-ins and footnotes, footnote 14 above
all, reach the review pages and the consolidated PDF."""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.domain.plan_words import plan_words
from ctportal.models import Action, CompiledReport, CompileState, PlanVersion, db
from ctportal.services.editions import editions as compile_service
from ctportal.infra import storage
from tests.factories import approve, fill_report, make_round, report_of, submit
from tests.test_pdf_compile import pdftext

FOOTNOTE_14 = "As regards cooperation with Interpol, Europol and Eurojust, this objective applies only"
LEAD_IN_4 = "Each Western Balkans partner should seek early alignment with the relevant EU acquis"


def _action(code):
    version = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.code == "jap-2018"))
    return db.session.scalar(sa.select(Action).where(Action.plan_version_id == version.id, Action.code == code))


def test_the_catalogue_gives_each_action_its_lead_in_and_footnotes(app):
    words = plan_words(_action("4.P1"))
    assert words.lead_in.text.startswith(LEAD_IN_4) and [n for n, _ in words.lead_in.notes] == [17, 18]
    # the calls sit right after their anchors
    assert words.lead_in.segments[0] == ("Each Western Balkans partner should seek early alignment with the "
                                         "relevant EU acquis", 17)
    three = plan_words(_action("3.P1"))
    assert [n for n, _ in three.objective.notes] == [14] and three.notes[0][1].startswith(FOOTNOTE_14)


def test_the_review_page_shows_the_lead_in_and_footnote_14(app, users, auth, client):
    rnd = make_round()
    report = submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    entry = next(e for e in report.entries if e.key == "3.P1")
    auth.login("reviewer")
    page = client.get(f"/review/reports/{report.id}/entries/{entry.id}").data.decode()
    assert "Each Western Balkans partner should seek to" in page
    assert FOOTNOTE_14 in page and 'href="#plan-fn-14"' in page
    auth.logout()
    auth.login("coordinator_al")
    four = next(e for e in report.entries if e.key == "4.P1")
    assert LEAD_IN_4 in client.get(f"/reports/{report.id}/entries/{four.id}").data.decode()


def test_lead_ins_and_footnote_14_are_in_the_pdf(app, users):
    rnd = make_round()
    report = submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    approve(report, users.reviewer)
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    edition = db.session.get(CompiledReport, edition.id)
    assert edition.state == CompileState.done, edition.error
    pages = [" ".join(p.split()) for p in pdftext(storage.path_for("compiled", edition.stored_name))]
    flat = " ".join(pages)
    assert FOOTNOTE_14 in flat
    assert LEAD_IN_4 in flat
    assert "EU acquis17 and in line with the Financial Action Task Force (FATF) standards18:" in flat
    assert flat.count("Western Balkans partners should jointly seek") >= 4
    # the party's annex too: its first page opens objective 1 with the partners' lead-in
    annex = next(p for p in pages if "Annex I — Report of Albania" in p and "Contents" not in p)
    assert "Each Western Balkans partner should seek to" in annex
    # footnote 14 is at the foot of Part 3's first page, where the objective's title calls it
    part3 = next(p for p in pages if "Part 3 — Objective 3" in p and "Contents" not in p)
    assert FOOTNOTE_14 in part3
    from pypdf import PdfReader
    titles = [o.title for o in PdfReader(storage.path_for("compiled", edition.stored_name)).outline
              if not isinstance(o, list)]
    assert any(t.startswith("Part 3 — Objective 3") and "Interpol" not in t for t in titles)



def test_footnote_14_and_the_action_footnotes_reach_the_party_annexes(app, users, auth, client, monkeypatch,
                                                                       tmp_path):
    """Issue 15, item 7: a party's annex prints the footnotes its objectives' titles, lead-ins and actions
    call — in the consolidated report's annex and in the party's own PDF."""
    from pypdf import PdfReader

    from ctportal.services.editions import party_jobs

    rnd = make_round()
    report = submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    approve(report, users.reviewer)
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    edition = db.session.get(CompiledReport, edition.id)
    assert edition.state == CompileState.done, edition.error
    pages = [" ".join(p.split()) for p in pdftext(storage.path_for("compiled", edition.stored_name))]
    start = next(i for i, p in enumerate(pages) if "Annex I — Report of Albania" in p and "Contents" not in p)
    three = next(p for p in pages[start:] if "Objective 3: Effective Information Exchange" in p)
    assert FOOTNOTE_14 in three
    four = next(p for p in pages[start:] if LEAD_IN_4 in p)
    assert "EU acquis17 and in line with the Financial Action Task Force (FATF) standards18:" in four
    outline = PdfReader(storage.path_for("compiled", edition.stored_name)).outline
    flat_titles = str(outline)
    assert "Objective 3: Effective Information Exchange" in flat_titles and "Interpol, Europol" not in flat_titles

    # The party's own PDF: its one annex, the same footnotes.
    queued = []
    monkeypatch.setattr(party_jobs, "enqueue", queued.append)
    auth.login("coordinator_al")
    location = client.get(f"/compile/reports/{report.id}/pdf").headers["Location"]
    assert "/pdf/jobs/" in location
    party_jobs.run_party_pdf(queued[0])
    db.session.commit()
    pdf = client.get(f"/compile/reports/{report.id}/pdf")
    assert pdf.status_code == 200
    (tmp_path / "party.pdf").write_bytes(pdf.data)
    party_pages = [" ".join(p.split()) for p in pdftext(tmp_path / "party.pdf")]
    three = next(p for p in party_pages if "Objective 3: Effective Information Exchange" in p)
    assert FOOTNOTE_14 in three
    assert any("EU acquis17 and in line with the Financial Action Task Force (FATF) standards18:" in p
               for p in party_pages)
