"""`flask prune-parts`: cached PDF parts unused for days go; used ones and editions stay."""
from __future__ import annotations

import datetime as dt
import os

import sqlalchemy as sa

from ctportal.models import CompiledReport, CompileState, RenderedPart, db, utcnow
from ctportal.services.editions import editions as compile_service
from ctportal.infra import storage
from tests.test_compile_workflow import approved_round


def _compile(rnd, users) -> CompiledReport:
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.expire_all()
    edition = db.session.get(CompiledReport, edition.id)
    assert edition.state == CompileState.done, edition.error
    return edition


def _age_every_part(days: int) -> None:
    db.session.execute(sa.update(RenderedPart).values(used_at=utcnow() - dt.timedelta(days=days)))
    db.session.commit()


def _parts() -> list[RenderedPart]:
    return list(db.session.scalars(sa.select(RenderedPart)))


def test_parts_unused_for_days_are_removed_and_rendered_again_when_needed(app, users):
    rnd = approved_round(users)
    first = _compile(rnd, users)
    files = [storage.path_for("parts", p.stored_name) for p in _parts()]
    assert files and all(f.exists() for f in files)
    _age_every_part(40)
    fonts = list(storage.folder("parts").glob("merged-font-*"))
    assert fonts  # one per typeface the edition uses (ctportal/pdf/fontmerge.py)
    old = (utcnow() - dt.timedelta(days=40)).replace(tzinfo=dt.UTC).timestamp()
    for font in fonts:
        os.utime(font, (old, old))
    result = app.test_cli_runner().invoke(args=["prune-parts", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert f"{len(files)} cached part(s) removed" in result.output
    assert _parts() == [] and not any(f.exists() for f in files)
    assert not list(storage.folder("parts").glob("merged-font-*"))  # aged with the parts (below)
    assert storage.path_for("compiled", first.stored_name).exists()  # editions keep their own file
    second = _compile(rnd, users)  # everything renders again
    assert second.page_count == first.page_count and len(_parts()) == len(files)


def test_a_compile_marks_the_parts_it_reuses_as_used(app, users):
    rnd = approved_round(users)
    _compile(rnd, users)
    count = len(_parts())
    _age_every_part(40)
    _compile(rnd, users)  # warm: every part is looked up again
    assert all(utcnow() - p.used_at < dt.timedelta(minutes=5) for p in _parts())
    result = app.test_cli_runner().invoke(args=["prune-parts", "--days", "30"])
    assert "0 cached part(s) removed" in result.output and len(_parts()) == count


def test_prune_refuses_to_remove_parts_used_today(app):
    result = app.test_cli_runner().invoke(args=["prune-parts", "--days", "0"])
    assert result.exit_code == 2 and "at least" in result.output
