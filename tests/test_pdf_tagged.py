"""The tagged, archival edition (issue 16, item 1): PDF/UA-1 and PDF/A-2a in one file, read back
with pikepdf — on a fresh compile, on one assembled again from cached parts, and on a party's PDF."""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.models import CompiledReport, CompileState, RenderedPart, db
from ctportal.infra import storage
from ctportal.services.editions import editions as compile_service
from tests.pdf_structure import check_tagged, validate
from tests.test_pdf_compile import _compile, compiled  # noqa: F401 - fixture


def test_the_edition_is_tagged_and_archival(compiled):  # noqa: F811 - the fixture imported above
    _, path = compiled
    found = check_tagged(path)
    assert {"1", "2", "3"} <= {h[1] for h in found.headings}
    assert found.tables >= 3 and found.header_cells >= 10 and found.lists >= 1 and found.links >= 1
    assert any("actions (rows) by" in s for s in found.summaries), "the heatmap's text alternative"
    assert {"sq", "sr-Cyrl", "mk"} <= found.langs, found.langs
    assert found.mcids > 100
    validate(path)


def test_an_edition_assembled_again_from_cached_parts_is_tagged_too(app, users, tmp_path):
    rnd, first, path = _compile(users)
    # Drop the assembled whole, so the next compile assembles again from the cached parts alone.
    parts = db.session.scalar(sa.select(sa.func.count(RenderedPart.id)).where(RenderedPart.kind != "edition"))
    db.session.execute(sa.delete(RenderedPart).where(RenderedPart.kind == "edition"))
    db.session.commit()
    again = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(again.id)
    db.session.expire_all()
    again = db.session.get(CompiledReport, again.id)
    assert again.state == CompileState.done, again.error
    assert db.session.scalar(sa.select(sa.func.count(RenderedPart.id)).where(RenderedPart.kind != "edition")) == parts
    warm = storage.path_for("compiled", again.stored_name)
    assert again.page_count == first.page_count
    cold_found, warm_found = check_tagged(path), check_tagged(warm)
    assert (warm_found.headings, warm_found.mcids, warm_found.header_cells) == \
        (cold_found.headings, cold_found.mcids, cold_found.header_cells)
    validate(warm)


def test_a_party_pdf_is_tagged_and_archival(app, users, auth, client, tmp_path):
    from tests.factories import fill_report, make_round, report_of, submit
    rnd = make_round()
    report = fill_report(report_of(rnd, "RS"), "Стратегија за борбу против тероризма усвојена {key}")
    submit(report, users.coordinator_rs)
    auth.login("contributor_rs")
    response = client.get(f"/compile/reports/{report.id}/pdf")
    assert response.status_code == 200
    path = tmp_path / "party.pdf"
    path.write_bytes(response.data)
    found = check_tagged(path)
    assert {"1", "2", "3"} <= {h[1] for h in found.headings} and found.header_cells and "sr-Cyrl" in found.langs
    validate(path)
