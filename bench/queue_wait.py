"""Click to download for a warm compile, through the embedded job queue: polling back-off vs wake-up.

    .venv/bin/python -m bench.queue_wait [--gaps 3,6,10,15,20] [--keep DIR]

Builds bench.pdf_compile's synthetic round (466 pages), compiles it once so every part is
cached, then, in one process with the embedded queue (SQLite storage, worker threads), presses
"Compile" as the view does (start_compile, commit, enqueue) after idle gaps like a person's, and
waits for the edition to be done:

  before  Huey's own worker: idle, it polls with a back-off growing to 10 s
  after   the portal's worker (infra/jobs.py): woken by the enqueue

It prints, per mode, the wait in "queued", the job's own time, and click to done (median, max).
The page then shows the download within its poll interval (1 s with JavaScript).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench import pdf_compile

GAPS = (3, 6, 10, 15, 20)  # seconds between clicks: the worker's back-off grows meanwhile


def _measure(app, workdir: Path, worker_class, gaps: tuple[float, ...]) -> list[tuple[float, float, float]]:
    import sqlite3

    from ctportal.infra import jobs
    from ctportal.models import Round, User, db
    from ctportal.services.editions import editions as compile_service

    class Consumer(jobs.EmbeddedConsumer):
        pass
    Consumer.worker_class = worker_class
    consumer = Consumer(jobs.huey, workers=2, worker_type="thread", periodic=False, check_worker_health=False)
    consumer.start()
    # The page's poll, as a plain reader: it must not take the write lock the job waits for.
    reader = sqlite3.connect(workdir / "bench.sqlite3", isolation_level=None)
    rows = []
    try:
        with app.app_context():
            rnd = db.session.scalars(db.select(Round)).first()
            user = db.session.scalars(db.select(User).where(User.email == "secretariat@bench.example")).one()
            for gap in gaps:
                time.sleep(gap)
                t0 = time.perf_counter()
                edition_id = compile_service.start_compile(rnd, user).id  # what the view does
                db.session.commit()
                compile_service.enqueue(edition_id)
                started = None
                while True:
                    state, error = reader.execute("SELECT state, error FROM compiled_report WHERE id = ?",
                                                  (edition_id,)).fetchone()
                    if started is None and state != "queued":
                        started = time.perf_counter()
                    if state in ("done", "failed"):
                        break
                    time.sleep(0.01)
                done = time.perf_counter()
                if state != "done":
                    raise SystemExit(error)
                rows.append((started - t0, done - started, done - t0))
    finally:
        consumer.stop(graceful=True)
        reader.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gaps", default=",".join(map(str, GAPS)),
                        help="idle seconds before each click, comma-separated")
    parser.add_argument("--keep", help="build the round in this directory and keep it (reused when run again)")
    args = parser.parse_args()
    gaps = tuple(float(g) for g in args.gaps.split(","))
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ctportal-queue-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if not (workdir / "warm.pdf").exists():
            t = time.perf_counter()
            pdf_compile._run_step("setup", workdir)
            pdf_compile._run_step("cold", workdir)  # every part cached from here on
            pdf_compile._run_step("warm", workdir)
            print(f"synthetic round built and compiled once in {time.perf_counter() - t:.1f} s", flush=True)

        import logging
        from huey.consumer import Worker

        from ctportal import create_app
        from ctportal.infra import jobs
        logging.disable(logging.INFO)
        app = create_app({**pdf_compile._config(workdir), "JOBS_MODE": "embedded", "JOBS_PERIODIC": False})
        jobs.huey.storage.flush_queue()
        results = {"before (polling back-off)": _measure(app, workdir, Worker, gaps),
                   "after (woken by the enqueue)": _measure(app, workdir, jobs.WakeableWorker, gaps)}
        print(f"\n{'warm compile, embedded queue':<32}{'queued s':>18}{'job s':>14}{'click to done s':>22}")
        print(f"{'':<32}{'median   max':>18}{'median':>14}{'median   max':>22}")
        for label, rows in results.items():
            queued, job, total = zip(*rows, strict=False)
            print(f"{label:<32}{statistics.median(queued):>10.2f}{max(queued):>8.2f}{statistics.median(job):>14.2f}"
                  f"{statistics.median(total):>14.2f}{max(total):>8.2f}")
        print(f"\n{len(gaps)} clicks per mode, idle gaps {gaps} s")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
