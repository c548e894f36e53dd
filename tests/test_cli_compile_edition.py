"""`flask compile-edition ROUND_ID` (issue 15, item 9): the secretariat's compile from a shell — the
same job, cache and records — printing the path of a real PDF."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from pypdf import PdfReader

from ctportal.models import AuditEvent, CompiledReport, CompileState, db
from tests.factories import approve, fill_report, make_round, report_of, submit


def _round(users):
    rnd = make_round()
    submit(fill_report(report_of(rnd, "AL")), users.coordinator_al)
    approve(report_of(rnd, "AL"), users.reviewer)
    return rnd


def test_the_command_compiles_records_and_prints_the_pdfs_path(app, users, runner):
    rnd = _round(users)
    result = runner.invoke(args=["compile-edition", str(rnd.id)])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip().splitlines()[-1])
    assert path.is_file() and path.read_bytes().startswith(b"%PDF") and len(PdfReader(path).pages) > 5
    db.session.expire_all()
    edition = db.session.scalar(sa.select(CompiledReport).where(CompiledReport.round_id == rnd.id))
    assert edition.state == CompileState.done and edition.requested_by_id == users.secretariat.id
    assert path.name == edition.stored_name and [r.report.party.code for r in edition.revisions] == ["AL"]
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("compile.%"))))
    assert {"compile.requested", "compile.done"} <= actions
    # A second run reuses every cached part (the button's cache): the same assembled bytes, sealed
    # again (a seal carries its signing time: only the seal's incremental update differs).
    again = runner.invoke(args=["compile-edition", str(rnd.id), "--as", users.secretariat.email])
    assert again.exit_code == 0, again.output
    from ctportal.infra import storage
    from ctportal.models import RenderedPart
    assembled = storage.path_for("parts", db.session.scalar(
        sa.select(RenderedPart.stored_name).where(RenderedPart.kind == "edition"))).read_bytes()
    for copy in (path, Path(again.output.strip().splitlines()[-1])):
        assert copy.read_bytes().startswith(assembled) and len(copy.read_bytes()) > len(assembled)


def test_the_command_refuses_what_the_button_refuses(app, users, runner):
    rnd = make_round()
    nothing = runner.invoke(args=["compile-edition", str(rnd.id)])
    assert nothing.exit_code != 0 and "nothing to compile" in nothing.output
    assert runner.invoke(args=["compile-edition", "999999"]).exit_code == 2
    assert "--as" in runner.invoke(args=["compile-edition", str(rnd.id), "--as", "nobody@example.eu"]).output
