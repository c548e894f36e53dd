"""Background jobs on Huey.

One Huey instance, whose storage is chosen by the configuration when the app is built:

* ``embedded`` (default): SQLite storage in instance/, and a consumer thread inside the web
  process, so `make run` needs no extra service;
* ``redis``: Redis storage at REDIS_URL, consumed by a separate `flask jobs-worker` process;
* ``immediate``: tasks run synchronously where they are queued (tests).

Tasks run inside an application context of the app that configured the queue.
"""
from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from typing import Callable

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey
from huey.storage import MemoryStorage
from huey.consumer import Consumer

log = logging.getLogger("ctportal.infra.jobs")

# Configured by init_jobs(); until then (and in tests) tasks run immediately in memory.
huey = Huey("ctportal", storage_class=MemoryStorage, immediate=True)
_app: Flask | None = None
_consumer_lock = threading.Lock()
_consumer: Consumer | None = None


def init_jobs(app: Flask) -> None:
    global _app
    _app = app
    mode = app.config["JOBS_MODE"]
    if mode == "immediate":
        huey.immediate = True
        return
    huey.immediate = False
    if mode == "redis":
        if not app.config["REDIS_URL"]:
            raise RuntimeError("CTPORTAL_JOBS_MODE=redis needs REDIS_URL.")
        huey.storage = RedisHuey("ctportal", url=app.config["REDIS_URL"]).storage
    elif mode == "embedded":
        # Beside the instance's files, so two instances in one tree never share a queue.
        path = Path(app.config["STORAGE_DIR"]) / "jobs.sqlite3"
        huey.storage = SqliteHuey("ctportal", filename=str(path)).storage
        # The worker threads start with the first request the server answers, not in CLI commands.
        app.before_request(lambda: start_embedded_consumer(app))
    else:
        raise RuntimeError(f"CTPORTAL_JOBS_MODE must be embedded, redis or immediate, not {mode!r}")


class EmbeddedConsumer(Consumer):
    """A consumer living in the web process: it must leave the server's signal handling alone."""

    def _set_signal_handlers(self) -> None:
        pass


def start_embedded_consumer(app: Flask) -> None:
    """Start the in-process worker threads once (embedded mode only)."""
    global _consumer
    if app.config["JOBS_MODE"] != "embedded":
        return
    with _consumer_lock:
        if _consumer is not None:
            return
        _consumer = EmbeddedConsumer(huey, workers=app.config["JOB_WORKERS"], worker_type="thread",
                                     periodic=False, check_worker_health=False)
        _consumer.start()
        log.info("embedded job worker started (%s threads)", app.config["JOB_WORKERS"])


def task(**task_kwargs) -> Callable:
    """Like @huey.task(), and the body runs inside the portal's application context."""

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def in_app_context(*args, **kwargs):
            if _app is None:
                raise RuntimeError("jobs used before init_jobs()")
            with _app.app_context():
                return fn(*args, **kwargs)

        return huey.task(**task_kwargs)(in_app_context)

    return decorator
