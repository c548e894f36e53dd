"""Background jobs on Huey.

One Huey instance, whose storage is chosen by the configuration when the app is built:

* ``embedded`` (default): SQLite storage in instance/, and a consumer (worker threads and the
  periodic scheduler) inside the web process, so `make run` needs no extra service;
* ``redis``: Redis storage at REDIS_URL (a priority queue: a sorted set, Redis ≥ 5), consumed by a
  separate `flask jobs-worker` process;
* ``immediate``: tasks run synchronously where they are queued (tests).

Every task module is imported by `init_jobs` (the app's list, `ctportal.services.tasks`), so the
registry is complete before any consumer can dequeue. A queued job starts at once: on Redis the
worker blocks on the queue (BRPOP) and Redis wakes it; in embedded mode an idle worker waits on
an event that `enqueue` sets, instead of polling with Huey's back-off (up to 10 s).

Tasks run inside an application context of the app that configured the queue. Each task has a
priority (`Priority`): a worker takes the highest first, so mail and a PDF someone is waiting for
never queue behind a backlog of pre-renders (after a start-up or a day of approvals, there can be
one per approved report).
"""
from __future__ import annotations

import functools
import importlib
import logging
import threading
from pathlib import Path
from collections.abc import Callable, Iterable

from flask import Flask
from flask_babel import force_locale
from huey import Huey, PriorityRedisHuey, SqliteHuey
from huey.consumer import Consumer, Worker
from huey.storage import MemoryStorage

log = logging.getLogger("ctportal.infra.jobs")


class Priority:
    """Which job a free worker takes first (higher first; equal ones in the order queued)."""

    MAIL = 30        # a notification's mail: people act on it
    ASKED_FOR = 20   # a PDF someone asked for and watches the progress page of
    DELIVERY = 10    # webhooks to other systems
    BACKGROUND = 0   # pre-renders and periodic work: nobody is waiting


class WakeCounts:
    """How idle embedded workers came back to the queue: woken by an enqueue, or by a poll timeout."""

    def __init__(self) -> None:
        self.woken = 0
        self.polled = 0


_wake = threading.Event()
wake_counts = WakeCounts()


class PortalHuey(Huey):
    def enqueue(self, task):
        result = super().enqueue(task)
        _wake.set()  # after the message is stored: the woken worker finds it
        return result


# Configured by init_jobs(); until then (and in tests) tasks run immediately in memory.
huey = PortalHuey("ctportal", storage_class=MemoryStorage, immediate=True)
_app: Flask | None = None
_consumer_lock = threading.Lock()
_consumer: Consumer | None = None


def init_jobs(app: Flask, task_modules: Iterable[str] = ()) -> None:
    global _app
    _app = app
    for name in task_modules:  # register every task before any consumer runs
        importlib.import_module(name)
    mode = app.config["JOBS_MODE"]
    if mode == "immediate":
        huey.immediate = True
        return
    huey.immediate = False
    if mode == "redis":
        if not app.config["REDIS_URL"]:
            raise RuntimeError("CTPORTAL_JOBS_MODE=redis needs REDIS_URL.")
        # blocking: the worker waits in BZPOPMIN, so Redis hands it a job the moment it is queued.
        # The priority queue is a sorted set under its own key: a queue left by a version without
        # priorities (a list, "huey.redis.ctportal") is not read — drain it before upgrading.
        huey.storage = PriorityRedisHuey("ctportal-p", url=app.config["REDIS_URL"], blocking=True).storage
    elif mode == "embedded":
        # Beside the instance's files, so two instances in one tree never share a queue.
        path = Path(app.config["STORAGE_DIR"]) / "jobs.sqlite3"
        huey.storage = SqliteHuey("ctportal", filename=str(path)).storage
        # The worker threads start with the first request the server answers, not in CLI commands.
        @app.before_request
        def start_consumer() -> None:
            start_embedded_consumer(app)
    else:
        raise RuntimeError(f"CTPORTAL_JOBS_MODE must be embedded, redis or immediate, not {mode!r}")


class WakeableWorker(Worker):
    """An embedded worker: idle, it sleeps until a job is queued in this process (or the poll
    delay passes, for jobs a scheduler or another process queued)."""

    delay: float  # huey's Worker sets it (untyped there)

    def sleep(self) -> None:
        self.delay = min(self.delay, self.max_delay)
        if _wake.wait(self.delay):
            _wake.clear()
            wake_counts.woken += 1
            self.delay = self.default_delay
        else:
            wake_counts.polled += 1
            self.delay *= self.backoff


class EmbeddedConsumer(Consumer):
    """A consumer living in the web process: it leaves the server's signal handling alone."""

    worker_class = WakeableWorker

    def _set_signal_handlers(self) -> None:
        pass

    def stop(self, graceful: bool = False) -> None:
        # The stop flag first, then the wake-up: an idle worker waiting on _wake sees the flag at once.
        # Woken only after huey's graceful join, it slept out its poll delay (up to 30 s) first.
        self.stop_flag.set()
        _wake.set()
        super().stop(graceful)


def start_embedded_consumer(app: Flask) -> Consumer | None:
    """Start the in-process worker threads and scheduler once (embedded mode only)."""
    global _consumer
    if app.config["JOBS_MODE"] != "embedded":
        return None
    with _consumer_lock:
        if _consumer is None:
            _consumer = EmbeddedConsumer(huey, workers=app.config["JOB_WORKERS"], worker_type="thread",
                                         periodic=app.config["JOBS_PERIODIC"], check_worker_health=False)
            _consumer.start()
            log.info("embedded job worker started (%s threads)", app.config["JOB_WORKERS"])
        return _consumer


def create_worker_consumer(workers: int) -> Consumer:
    """The consumer of `flask jobs-worker`: worker threads blocking on the queue, and the
    scheduler queueing the periodic tasks (every job server runs one; schedule.py claims runs)."""
    return huey.create_consumer(workers=workers, worker_type="thread", periodic=True)


def stop_embedded_consumer() -> None:
    """Stop the in-process consumer (tests; the web process otherwise ends with it)."""
    global _consumer
    with _consumer_lock:
        if _consumer is not None:
            _consumer.stop(graceful=True)
            _consumer = None


def config() -> dict:
    """The configuration of the app the jobs run for (schedules read it when they are checked)."""
    return _app.config if _app is not None else {}


def _in_app_context(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def run(*args, **kwargs):
        if _app is None:
            raise RuntimeError("jobs used before init_jobs()")
        # In English, whatever page queued it: PDFs and records are English ("OR. en"), and mail
        # chooses each recipient's language itself. (On a job server there is no page anyway; in
        # the tests' immediate mode the job runs inside the request that queued it.)
        with _app.app_context(), force_locale("en"):
            return fn(*args, **kwargs)
    return run


def task(priority: int = Priority.BACKGROUND, **task_kwargs) -> Callable:
    """Like @huey.task(), and the body runs inside the portal's application context."""
    return lambda fn: huey.task(priority=priority, **task_kwargs)(_in_app_context(fn))


def periodic_task(schedule: Callable, **task_kwargs) -> Callable:
    """Like @huey.periodic_task(schedule), and the body runs inside the portal's application context.

    Every job server's scheduler queues a periodic task: a body that must run once per period
    claims it (ctportal.services.schedule.claim_run) instead of relying on this."""
    return lambda fn: huey.periodic_task(schedule, name=fn.__name__, **task_kwargs)(_in_app_context(fn))
