"""The plan catalogue kept per process (services/reporting/plan_cache.py, issue 14): the same words as
the ORM's, read without loading the plan again, and never answered for another catalogue."""
from __future__ import annotations

import sqlalchemy as sa

from ctportal.domain.plan_words import plan_words
from ctportal.models import Action, PlanVersion, db
from ctportal.services.reporting import plan_cache
from tests.factories import make_round, report_of
from tests.test_page_queries import counting


def _fresh_session() -> None:
    # What a new request starts from: nothing loaded, nothing known of this session's plan versions.
    db.session.commit()
    db.session.remove()


def test_every_entry_reads_its_action_as_the_database_holds_it(app):
    report = report_of(make_round(), "AL")
    for entry in report.entries:
        kept, action = plan_cache.action_of(entry), entry.action
        assert (kept.id, kept.code, kept.text, kept.actor_group, kept.position) == \
            (action.id, action.code, action.text, action.actor_group, action.position)
        assert (kept.objective.number, kept.objective.title) == (action.objective.number, action.objective.title)
        assert kept.words == plan_words(action)
    assert any(plan_cache.action_of(e).words.notes for e in report.entries)   # footnotes are among them


def test_a_later_request_reads_the_catalogue_without_loading_the_plan(app):
    version_id = make_round().plan_version_id
    first = plan_cache.catalogue(version_id)
    _fresh_session()
    with counting() as statements:
        again = plan_cache.catalogue(version_id)
        plan_cache.catalogue(version_id)
    assert again is first
    # The version's key, once a session (after the transaction's BEGIN): no action, objective or footnote.
    queries = [s for s in statements if not s.startswith("BEGIN")]
    assert len(queries) == 1 and "FROM plan_version" in queries[0]


def test_another_catalogue_under_the_same_id_is_built_afresh(app):
    version_id = make_round().plan_version_id
    before = plan_cache.catalogue(version_id)
    action = db.session.scalar(sa.select(Action).where(Action.plan_version_id == version_id).order_by(Action.id))
    action_id = action.id
    # A database emptied and loaded with another file keeps the id: its source's hash differs.
    action.text = "A revised action text."
    db.session.get(PlanVersion, version_id).source_sha256 = "0" * 64
    _fresh_session()
    after = plan_cache.catalogue(version_id)
    assert after is not before
    assert after.actions[action_id].text == "A revised action text."
    assert before.actions[action_id].text != "A revised action text."
