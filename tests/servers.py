"""Waiting for a real server (gunicorn) started by a test: bounded polling that tolerates a loaded machine.

CI runs two test workers on two cores, often beside other jobs: a server that starts in one second
alone can take thirty. These waits poll until the server is ready and fail only after a generous,
bounded time, naming what never happened.
"""
from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

STARTUP_SECONDS = 180  # a gunicorn master and its workers, each importing the app
REQUEST_SECONDS = 60   # one request to a server that is up


def wait_until(ready: Callable[[], bool], what: str, *, seconds: float = STARTUP_SECONDS,
               process: subprocess.Popen | None = None, details: Callable[[], str] = lambda: "") -> None:
    """Poll `ready()` (an OSError counts as "not yet") until it is true; fail after `seconds`, or at
    once when `process` has exited."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the server exited with {process.returncode}. {details()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:.0f} s. {details()}")
        time.sleep(0.2)


def stop(process: subprocess.Popen, seconds: float = 60) -> None:
    """Stop a server gracefully (gunicorn lets workers finish for up to 30 s), then for sure."""
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
