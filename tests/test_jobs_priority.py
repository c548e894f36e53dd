"""A free worker takes the job someone waits for first: mail, then a PDF asked for, then
deliveries, then pre-renders — on both queues (embedded SQLite, Redis).

Before priorities, the approval's mail waited behind the demo's pre-render backlog for almost two
minutes on a loaded machine (CI of stop 23, tests/test_startup.py).
"""
from __future__ import annotations

import uuid

import pytest
from huey import PriorityRedisHuey, SqliteHuey

from ctportal.infra import jobs
from ctportal.services.editions import editions, hooks, party_jobs
from ctportal.services.messaging import mail, webhooks
from tests.test_jobs_queue import REDIS_URL, _redis_available


def _order_taken(storage, monkeypatch) -> list[str]:
    monkeypatch.setattr(jobs.huey, "storage", storage)
    monkeypatch.setattr(jobs.huey, "immediate", False)
    for revision in (1, 2, 3):
        hooks.prerender_job(revision)           # a backlog nobody waits for, queued first
    webhooks.deliver_job(7)
    party_jobs.party_pdf_job(5)
    mail.deliver_pending_task()                 # queued last
    editions.compile_job(9)
    taken = []
    while (task := jobs.huey.dequeue()) is not None:
        taken.append(task.name)
    return taken


EXPECTED = ["deliver_pending_task", "party_pdf_job", "compile_job", "deliver_job",
            "prerender_job", "prerender_job", "prerender_job"]


def test_the_embedded_queue_serves_the_waiting_first(tmp_path, monkeypatch):
    storage = SqliteHuey("ctportal", filename=str(tmp_path / "jobs.sqlite3")).storage
    assert _order_taken(storage, monkeypatch) == EXPECTED


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_the_redis_queue_serves_the_waiting_first(monkeypatch):
    storage = PriorityRedisHuey(f"ctportal-test-{uuid.uuid4().hex}", url=REDIS_URL).storage
    try:
        assert _order_taken(storage, monkeypatch) == EXPECTED
    finally:
        storage.flush_all()


def test_the_production_queue_is_the_priority_one(app):
    from ctportal.infra.jobs import init_jobs
    app.config.update(JOBS_MODE="redis", REDIS_URL=REDIS_URL)
    try:
        init_jobs(app)
        assert jobs.huey.storage.priority and type(jobs.huey.storage).__name__ == "PriorityRedisStorage"
    finally:
        app.config.update(JOBS_MODE="immediate")
        init_jobs(app)
