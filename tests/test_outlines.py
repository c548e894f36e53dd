"""Revision outlines kept per process (services/reporting/outlines.py, issue 14): the fields the lists
read, the same as the snapshot's, read without loading a snapshot again, never from another revision."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models import Revision, db
from ctportal.services.reporting import outlines
from tests.factories import fill_report, make_round, report_of, submit
from tests.test_page_queries import counting


def _submitted(users, code: str = "AL") -> Revision:
    report = report_of(make_round(), code)
    fill_report(report, "Done: {key}.")
    submit(report, users.coordinator_al)
    db.session.commit()
    return report.revisions[-1]


def _without_snapshot(revision_id: int) -> Revision:
    db.session.commit()
    db.session.expunge_all()
    return db.session.scalar(sa.select(Revision).where(Revision.id == revision_id)
                             .options(so.defer(Revision.snapshot)))


def test_an_outline_holds_the_snapshots_statuses_kinds_and_actions(users):
    revision = _submitted(users)
    outline = outlines.outlines([revision])[revision.id]
    entries = revision.snapshot["entries"]
    assert list(outline) == [e["key"] for e in entries]
    for e in entries:
        assert outline[e["key"]] == {name: e.get(name) for name in outlines.FIELDS}   # "figures": only some have them
        assert "narrative" not in outline[e["key"]]


def test_a_kept_outline_is_read_without_the_snapshot(users):
    revision_id = _submitted(users).id
    first = outlines.outlines([_without_snapshot(revision_id)])[revision_id]
    revision = _without_snapshot(revision_id)
    with counting() as statements:
        again = outlines.outlines([revision])[revision_id]
    assert again is first
    assert not [s for s in statements if not s.startswith("BEGIN")]
    assert "snapshot" not in sa.inspect(revision).dict      # and the page did not load it either


def test_another_snapshot_under_the_same_id_is_outlined_afresh(users):
    revision = _submitted(users)
    revision_id, before = revision.id, outlines.outlines([revision])[revision.id]
    # A database emptied and filled again reuses ids; the snapshot's hash tells them apart.
    snapshot = dict(revision.snapshot, entries=[dict(e, status="achieved") for e in revision.snapshot["entries"]])
    db.session.execute(sa.update(Revision).where(Revision.id == revision_id)
                       .values(snapshot=snapshot, snapshot_sha256="f" * 64))
    after = outlines.outlines([_without_snapshot(revision_id)])[revision_id]
    assert after is not before
    assert {e["status"] for e in after.values()} == {"achieved"} != {e["status"] for e in before.values()}
