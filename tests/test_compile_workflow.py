"""Editions: the job and its progress, failures and retries, superseding on reopen, downloads."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from pypdf import PdfReader

from ctportal.models import (AuditEvent, CompiledReport, CompiledReportRevision, CompileState, RenderedPart, db,
                             utcnow)
from ctportal.pdf.renderer import RenderError
from ctportal.services.editions import edition as edition_builder
from ctportal.services.editions import editions as compile_service
from ctportal.infra import storage
from ctportal.services.review.workflow import Step, apply_transition
from tests.factories import approve, fill_report, make_round, report_of, submit


def approved_round(users, codes=("AL",)):
    rnd = make_round()
    who = {"AL": users.coordinator_al, "RS": users.coordinator_rs, "XK": users.coordinator_xk}
    for code in codes:
        report = fill_report(report_of(rnd, code), "Napredak {key}: ë ç Ђ")
        submit(report, who[code])
        approve(report, users.reviewer)
    return rnd


def done_edition(rnd, users, revisions) -> CompiledReport:
    name, sha, size = storage.write_atomically("compiled", [b"%PDF-1.4 earlier edition"], "pdf")
    edition = CompiledReport(round_id=rnd.id, state=CompileState.done, progress=100,
                             requested_by_id=users.secretariat.id, stored_name=name, sha256=sha, size=size,
                             page_count=1, finished_at=utcnow())
    db.session.add(edition)
    db.session.flush()
    for revision in revisions:
        db.session.add(CompiledReportRevision(compiled_report_id=edition.id, revision_id=revision.id))
    db.session.commit()
    return edition


def test_reopening_a_report_supersedes_every_edition_containing_it(app, users):
    rnd = approved_round(users, ("AL", "RS"))
    al, rs = report_of(rnd, "AL"), report_of(rnd, "RS")
    with_al = done_edition(rnd, users, [al.approved_revision, rs.approved_revision])
    without_al = done_edition(rnd, users, [rs.approved_revision])
    apply_transition(al, Step.reopen, users.reviewer, reason="Figures in 1.P2 are wrong")
    db.session.commit()
    db.session.expire_all()
    assert with_al.superseded_at is not None
    assert "Figures in 1.P2 are wrong" in with_al.superseded_reason and "Albania" in with_al.superseded_reason
    assert without_al.superseded_at is None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "compile.superseded",
                                                         AuditEvent.object_id == with_al.id)) is not None


def test_a_compile_with_nothing_approved_fails_and_says_why(app, users):
    rnd = make_round()
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    assert edition.state == CompileState.failed
    assert "No report of this round is approved" in edition.error


def test_a_failed_compile_keeps_the_previous_edition_and_can_be_retried(app, users, monkeypatch):
    rnd = approved_round(users)
    earlier = done_edition(rnd, users, [report_of(rnd, "AL").approved_revision])

    def broken(*args, **kwargs):
        raise RenderError("the render took longer than its limit of 600 seconds")

    monkeypatch.setattr(edition_builder, "build_edition", broken)
    failed = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(failed.id)
    db.session.expire_all()
    assert failed.state == CompileState.failed
    assert failed.error == "the render took longer than its limit of 600 seconds"
    assert storage.path_for("compiled", earlier.stored_name).exists()
    assert compile_service.latest_done(rnd).id == earlier.id
    # Retrying queues a new edition (the failed one stays on record).
    monkeypatch.undo()
    retry = compile_service.start_compile(rnd, users.secretariat)
    assert retry.id != failed.id and retry.state == CompileState.queued


def test_progress_is_committed_while_the_job_runs(app, users, monkeypatch):
    rnd = approved_round(users)
    seen = []

    def slow_build(data, pool, progress=None, **kwargs):
        progress(40, "Rendering Annex I (Albania)")
        with db.engine.connect() as other:  # another connection: sees only what is committed
            seen.append(other.execute(sa.select(CompiledReport.state, CompiledReport.progress, CompiledReport.stage)
                                      ).one())
        raise RenderError("stop here")

    monkeypatch.setattr(edition_builder, "build_edition", slow_build)
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id, pool=object())
    assert seen == [(CompileState.running, 40, "Rendering Annex I (Albania)")]


def test_only_one_compile_runs_per_round(app, users):
    rnd = approved_round(users)
    first = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    assert compile_service.start_compile(rnd, users.secretariat).id == first.id


class NoRendering:
    """A worker pool that fails the test if anything is rendered."""

    def start(self, *args):
        raise AssertionError("the compile rendered a part")

    render_all = render_one = start

    def close(self):
        pass


def test_approval_prerenders_the_whole_edition_and_the_compile_only_copies_it(app, users):
    app.config["PDF_PRERENDER_ON_APPROVE"] = True
    rnd = approved_round(users)
    kinds = Counter(p.kind for p in db.session.scalars(sa.select(RenderedPart)))
    blocks = kinds.pop("objective-block")  # objectives with more than OBJECTIVE_BLOCK actions
    assert blocks >= 5
    assert kinds == {"annex": 1, "annex-section": 4,  # Albania's annex: one part per objective
                     "objective": 5, "documents": 1, "front": 1, "furniture": 1, "edition": 1,
                     "edition-docx": 1}  # and its Word version (issue 16, item 3)
    parts_before = {(p.id, p.stored_name) for p in db.session.scalars(sa.select(RenderedPart))}
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id, pool=NoRendering())
    db.session.expire_all()
    assert edition.state == CompileState.done, edition.error
    assert {(p.id, p.stored_name) for p in db.session.scalars(sa.select(RenderedPart))} == parts_before
    reader = PdfReader(storage.path_for("compiled", edition.stored_name))
    assert edition.page_count == len(reader.pages)


def test_after_a_report_is_reopened_and_approved_again_the_compile_renders_nothing(app, users):
    """The approval renders what the change touches (that annex, the objective parts and summary
    showing it) and assembles the edition; the compile then only copies the file."""
    app.config["PDF_PRERENDER_ON_APPROVE"] = True
    rnd = approved_round(users, codes=("AL", "RS"))
    serbia_annex = {p.stored_name for p in db.session.scalars(sa.select(RenderedPart).where(
        RenderedPart.revision_id == report_of(rnd, "RS").approved_revision_id))}
    report = report_of(rnd, "AL")
    apply_transition(report, Step.reopen, users.reviewer, reason="A figure is wrong.")
    db.session.commit()
    fill_report(report, "Corrected figures {key}: Policia e Shtetit ë ç")
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id, pool=NoRendering())
    db.session.expire_all()
    assert edition.state == CompileState.done, edition.error
    text = "\n".join(page.extract_text() for page in PdfReader(storage.path_for("compiled", edition.stored_name)).pages)
    assert "Corrected figures" in text
    assert {r.id for r in edition.revisions} == {report.approved_revision_id,
                                                         report_of(rnd, "RS").approved_revision_id}
    # Serbia's annex was not rendered again.
    assert len(serbia_annex) == 5
    assert serbia_annex <= {p.stored_name for p in db.session.scalars(sa.select(RenderedPart))}


def test_the_secretariat_compiles_from_the_page_and_downloads_the_edition(app, users, auth, client):
    rnd = approved_round(users)
    auth.login("secretariat")
    page = client.get(f"/compile/rounds/{rnd.id}")
    assert page.status_code == 200 and b"Compile" in page.data
    response = client.post(f"/compile/rounds/{rnd.id}/compile")
    assert response.status_code == 302
    edition = db.session.scalar(sa.select(CompiledReport).where(CompiledReport.round_id == rnd.id))
    assert edition.state == CompileState.done, edition.error
    status = client.get(f"/compile/rounds/{rnd.id}/status.json").get_json()
    assert status["state"] == "done" and status["progress"] == 100
    page = client.get(f"/compile/rounds/{rnd.id}")
    assert "Refresh" not in page.headers
    assert f"/editions/{edition.id}/download".encode() in page.data
    download = client.get(f"/compile/rounds/{rnd.id}/editions/{edition.id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Type"] == "application/pdf"
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "editions.download")).all()
    assert [(e.object_id, e.actor_id) for e in events] == [(edition.id, users.secretariat.id)]


def test_the_page_refreshes_itself_while_a_compile_runs(app, users, auth, client):
    rnd = approved_round(users)
    compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    auth.login("reviewer")
    page = client.get(f"/compile/rounds/{rnd.id}")
    assert page.headers["Refresh"] == "3"
    assert b'role="progressbar"' in page.data and b"Waiting to start" in page.data
    assert b"Compile again" not in page.data and b'action="/compile/rounds/' not in page.data


def test_an_edition_of_another_round_is_not_found(app, users, auth, client):
    rnd = approved_round(users)
    other = make_round("Other round", document_number="ST 2/26")
    edition = done_edition(rnd, users, [])
    auth.login("secretariat")
    assert client.get(f"/compile/rounds/{other.id}/editions/{edition.id}/download").status_code == 404
    assert client.get(f"/compile/rounds/{rnd.id}/editions/{edition.id}/download").status_code == 200


def test_a_parallel_compile_numbers_every_page(app, users):
    """Two worker processes: parts and the page furniture render side by side, numbering stays right."""
    import re
    import subprocess

    app.config["PDF_PARALLEL_PARTS"] = 2
    rnd = approved_round(users, ("AL", "RS"))
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    assert edition.state == CompileState.done, edition.error
    path = storage.path_for("compiled", edition.stored_name)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    pages = text.split("\f")[:-1]
    assert len(pages) == edition.page_count == len(PdfReader(path).pages)
    for n, text in enumerate(pages, start=1):
        assert re.search(rf"\b{n}\s*/\s*{len(pages)}\b", text) and "LIMITE" in text, f"page {n}"
    # One furniture page serves every page; the numbers are drawn at assembly.
    furniture = db.session.scalars(sa.select(RenderedPart).where(RenderedPart.kind == "furniture")).all()
    assert [f.page_count for f in furniture] == [1]


def test_a_compile_whose_worker_died_does_not_block_the_round(app, users):
    import datetime as dt
    rnd = approved_round(users)
    dead = compile_service.start_compile(rnd, users.secretariat)
    dead.state, dead.started_at = CompileState.running, utcnow() - dt.timedelta(hours=3)
    db.session.commit()
    assert compile_service.active_edition(rnd) is None
    fresh = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    assert fresh.id != dead.id and fresh.state == CompileState.queued
    assert dead.state == CompileState.failed and "stopped without finishing" in dead.error


def test_a_corrected_entry_renders_only_its_own_annex_section_again(app, users):
    """The annex is one part per objective section, and a section past the first holds nothing
    of the revision but its entries: a new revision that corrects one entry of objective 1 leaves
    the sections of objectives 2–5 cached."""
    rnd = approved_round(users)
    first = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(first.id)

    def annex_rows():
        return Counter(p.kind for p in db.session.scalars(sa.select(RenderedPart).where(
            RenderedPart.kind.in_(["annex", "annex-section"]))))

    assert annex_rows() == {"annex": 1, "annex-section": 4}
    report = report_of(rnd, "AL")
    apply_transition(report, Step.reopen, users.reviewer, reason="One figure is wrong.")
    db.session.commit()
    entry = next(e for e in report.entries if e.key.startswith("1."))
    entry.narrative = "Corrected: the strategy was adopted in March."
    db.session.commit()
    submit(report, users.coordinator_al)
    approve(report, users.reviewer)
    again = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(again.id)
    db.session.expire_all()
    assert db.session.get(CompiledReport, again.id).state == CompileState.done
    assert annex_rows() == {"annex": 2, "annex-section": 4}  # objective 1 (with the heading) only


def test_a_superseded_editions_reason_names_kosovo_with_its_asterisk(app, users):
    rnd = approved_round(users, ("XK",))
    xk = report_of(rnd, "XK")
    edition = done_edition(rnd, users, [xk.approved_revision])
    apply_transition(xk, Step.reopen, users.reviewer, reason="Figures in 1.P2 are wrong")
    db.session.commit()
    db.session.expire_all()
    assert "The report of Kosovo* (revision" in edition.superseded_reason
