"""Rendering HTML to PDF in worker processes, in parallel, each render under a time and memory limit.

A `WorkerPool` keeps up to `parallel` worker processes (ctportal/pdf/worker.py), at a lower CPU
priority (`nice`) so the web pages keep theirs while a compile runs. A render that
runs past `timeout` seconds gets its worker killed; one that needs more than `memory_mb` of
address space fails inside the worker (RLIMIT_AS). Either way the caller gets a RenderError
with the reason, and no half-written file.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import SimpleQueue
from collections.abc import Callable, Iterable

from ctportal.infra.storage import TEMP_PREFIX

ROOT = Path(__file__).resolve().parents[2]


class RenderError(Exception):
    """A render failed; the message says why, in words the secretariat can act on."""


@dataclass
class RenderTask:
    key: str          # the caller's name for it (a cache key)
    html: str
    label: str = ""   # what is being rendered, for the progress line
    tagged: bool = True  # a PDF/UA structure tree (ctportal/pdf/tagging.py); not for the page furniture


@dataclass
class RenderResult:
    key: str
    path: Path
    pages: int


class _Worker:
    def __init__(self, memory_mb: int, nice: int = 0) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ctportal.pdf.worker", str(memory_mb), str(nice)], cwd=str(ROOT), env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            encoding="utf-8", close_fds=True)

    def render(self, html: str, out: Path, timeout: float, tagged: bool = True) -> int:
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            self.proc.kill()

        timer = threading.Timer(timeout, kill)
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None  # both opened as PIPE in __init__
        timer.start()
        try:
            stdin.write(json.dumps({"html": html, "out": str(out), "tagged": tagged}) + "\n")
            stdin.flush()
            line = stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        finally:
            timer.cancel()
        if timed_out.is_set():
            self.proc.wait()  # reaped, so the pool sees it dead and replaces it
            raise RenderError(f"the render took longer than its limit of {timeout:g} seconds")
        if not line:
            try:
                code = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                code = self.proc.wait()
            raise RenderError("the rendering process stopped unexpectedly"
                              + (" (it probably ran out of its memory limit)" if code not in (None, 0) else ""))
        answer = json.loads(line)
        if not answer.get("ok"):
            raise RenderError(answer.get("error") or "the render failed")
        return int(answer["pages"])

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001
            self.proc.kill()
            self.proc.wait()


class WorkerPool:
    """Up to `parallel` worker processes; use as a context manager."""

    def __init__(self, parallel: int = 2, timeout: float = 600, memory_mb: int = 1500,
                 workdir: Path | None = None, nice: int = 0) -> None:
        self.parallel = max(1, parallel)
        self.nice = nice
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.workdir = Path(workdir or tempfile.gettempdir())
        self._idle: SimpleQueue[_Worker] = SimpleQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._all:
            worker.close()
        self._all.clear()

    def start(self, count: int | None = None) -> None:
        """Start up to `count` (default: `parallel`) workers now, so they load WeasyPrint, the
        stylesheet and the fonts while the caller is still preparing the HTML."""
        with self._lock:
            while len(self._all) < min(self.parallel, count or self.parallel):
                worker = _Worker(self.memory_mb, self.nice)
                self._all.append(worker)
                self._idle.put(worker)

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle.empty() and len(self._all) < self.parallel:
                worker = _Worker(self.memory_mb, self.nice)
                self._all.append(worker)
                return worker
        return self._idle.get()

    def _give_back(self, worker: _Worker) -> None:
        if worker.alive:
            self._idle.put(worker)
            return
        with self._lock:  # a killed worker is replaced by a fresh one
            self._all.remove(worker)
            fresh = _Worker(self.memory_mb, self.nice)
            self._all.append(fresh)
        self._idle.put(fresh)

    def render_one(self, task: RenderTask) -> RenderResult:
        # The PID in the name lets the next start remove it if this process dies mid-render.
        fd, name = tempfile.mkstemp(dir=self.workdir, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".pdf")
        os.close(fd)
        out = Path(name)
        worker = self._take()
        try:
            pages = worker.render(task.html, out, self.timeout, task.tagged)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        finally:
            self._give_back(worker)
        return RenderResult(task.key, out, pages)

    def render_all(self, tasks: Iterable[RenderTask],
                   on_done: Callable[[RenderTask, RenderResult], None] | None = None) -> dict[str, RenderResult]:
        """Render every task, `parallel` at a time; the first failure cancels the rest and is raised.

        The longest HTML goes first: when the last renders start, only short ones are left, so
        no worker sits idle long while another finishes a big part (longest-processing-time first).
        """
        tasks = sorted(tasks, key=lambda t: len(t.html), reverse=True)
        results: dict[str, RenderResult] = {}
        if not tasks:
            return results
        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            futures = {pool.submit(self.render_one, t): t for t in tasks}
            try:
                for future in _as_completed(futures):
                    result = future.result()
                    results[result.key] = result
                    if on_done is not None:
                        on_done(futures[future], result)
            except BaseException:
                for f in futures:
                    f.cancel()
                # Parts still rendering in the other workers finish: wait for them and remove
                # their files too, so a failed compile leaves nothing behind.
                for f in futures:
                    if f.cancelled():
                        continue
                    try:
                        f.result().path.unlink(missing_ok=True)
                    except BaseException:  # noqa: BLE001 - the first failure is the one raised
                        pass
                raise
        return results


def _as_completed(futures):
    from concurrent.futures import as_completed
    return as_completed(futures)
