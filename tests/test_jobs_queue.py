"""The job queue: every task known before a consumer runs, a queued job started at once (the
worker is woken, not polled), renders at low CPU priority and never inside a web request."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from huey.consumer import Worker
from huey.storage import SqliteStorage

from ctportal.infra import jobs
from ctportal.pdf.renderer import WorkerPool

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"

EXPECTED_TASKS = {"deliver_pending_task", "compile_job", "prerender_job", "party_pdf_job", "daily_reminders",
                  "weekly_prune", "mail_retries", "silent_jobs"}


def test_every_task_is_registered_when_the_app_is_built(tmp_path):
    """In a fresh process (nothing imported before), as the web server and jobs-worker start."""
    script = ("from ctportal import create_app\napp = create_app()\nfrom ctportal.infra.jobs import huey\n"
              "import json; print(json.dumps(sorted(name.rsplit('.', 1)[-1] for name in huey._registry._registry)))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTPORTAL_")}
    env.update({"CTPORTAL_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "CTPORTAL_STORAGE_DIR": str(tmp_path / "files")})
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    names = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert EXPECTED_TASKS <= names, EXPECTED_TASKS - names


@pytest.fixture
def queue(tmp_path):
    """A queue of the embedded kind (SQLite storage, PortalHuey), with a consumer that polls
    only every 30 s: a job picked up at once can only have been woken."""
    huey = jobs.PortalHuey("wake-test", storage_class=SqliteStorage, filename=str(tmp_path / "q.sqlite3"))
    ran = threading.Event()

    @huey.task()
    def mark() -> None:
        ran.set()

    consumer = jobs.EmbeddedConsumer(huey, workers=1, worker_type="thread", periodic=False,
                                     check_worker_health=False, initial_delay=30, max_delay=30)
    consumer.start()
    yield mark, ran
    consumer.stop(graceful=True)


def test_an_idle_embedded_worker_is_woken_when_a_job_is_queued(queue):
    mark, ran = queue
    time.sleep(0.5)  # the worker found the queue empty and went to sleep for 30 s
    woken, polled = jobs.wake_counts.woken, jobs.wake_counts.polled
    mark()
    assert ran.wait(1.0), "the job did not start within a second of being queued"
    assert jobs.wake_counts.woken == woken + 1
    assert jobs.wake_counts.polled == polled  # not a poll that happened to come round


def _redis_available() -> bool:
    try:
        import redis
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure to reach Redis means: skip
        return False


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_a_redis_worker_waits_on_the_queue_and_never_sleeps(monkeypatch):
    """On Redis the worker blocks in BZPOPMIN (the priority queue, as production): Redis hands it
    the job as it is queued; Huey's polling sleep is never used."""
    from huey import PriorityRedisHuey

    huey = PriorityRedisHuey(f"ctportal-test-{uuid.uuid4().hex}", url=REDIS_URL, blocking=True)
    ran = threading.Event()

    @huey.task()
    def mark() -> None:
        ran.set()

    slept = []
    monkeypatch.setattr(Worker, "sleep", lambda self: slept.append(1))
    worker = Worker(huey, threading.Event(), default_delay=30, max_delay=30, backoff=1)

    def run() -> None:
        for _ in range(5):  # each loop() waits up to read_timeout (1 s) in BZPOPMIN
            if ran.is_set():
                return
            worker.loop()

    loop = threading.Thread(target=run)
    try:
        loop.start()
        time.sleep(0.3)  # the worker is blocked in BZPOPMIN
        mark()
        assert ran.wait(2.0)
        assert slept == []
        assert huey.storage.blocking
    finally:
        loop.join(5)
        huey.storage.flush_queue()
        huey.storage.conn.delete(huey.storage.queue_key)


def test_the_redis_mode_queue_blocks(app):
    """What init_jobs builds for CTPORTAL_JOBS_MODE=redis is the blocking Redis storage."""
    from huey.storage import RedisStorage
    saved = jobs.huey.storage, jobs.huey.immediate
    try:
        _redis_app(app)  # create_app calls init_jobs
        assert isinstance(jobs.huey.storage, RedisStorage) and jobs.huey.storage.blocking is True
    finally:
        jobs.huey.storage, jobs.huey.immediate = saved
        jobs.init_jobs(app)


def _redis_app(app):
    from ctportal import create_app
    return create_app({**app.config, "JOBS_MODE": "redis", "REDIS_URL": REDIS_URL})


def test_the_job_worker_runs_the_periodic_tasks():
    consumer = jobs.create_worker_consumer(1)
    assert consumer.periodic is True
    names = {t.__name__ for t in jobs.huey._registry._periodic_tasks}
    assert {"daily_reminders", "weekly_prune", "mail_retries", "silent_jobs"} <= names


def test_render_processes_run_at_low_cpu_priority(tmp_path):
    base = os.getpriority(os.PRIO_PROCESS, 0)
    with WorkerPool(parallel=1, timeout=60, memory_mb=1500, workdir=tmp_path, nice=19) as pool:
        pool.start(1)
        pid = pool._all[0].proc.pid
        deadline = time.monotonic() + 10
        while os.getpriority(os.PRIO_PROCESS, pid) == base and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, base + 19)
        assert os.getpriority(os.PRIO_PROCESS, 0) == base  # the caller keeps its own


def test_pool_from_config_uses_the_configured_priority(app):
    from ctportal.services.editions.cache import pool_from_config
    with app.app_context():
        assert pool_from_config().nice == 19


def test_a_render_inside_a_web_request_is_refused(app):
    from ctportal.services.editions.cache import pool_from_config
    app.config["JOBS_MODE"] = "redis"
    try:
        with app.test_request_context("/"), pytest.raises(RuntimeError, match="never inside a web request"):
            pool_from_config()
    finally:
        app.config["JOBS_MODE"] = "immediate"
