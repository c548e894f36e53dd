"""Click to download for a warm compile, through the embedded job queue: polling back-off vs wake-up.

    .venv/bin/python -m bench.queue_wait [--clicks 5]

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


def _measure(app, worker_class, clicks: int) -> list[tuple[float, float, float]]:
    from huey.consumer import Worker  # noqa: F401 - the class compared against
    from ctportal.infra import jobs
    from ctportal.models import CompiledReport, CompileState, Round, User, db
    from ctportal.services.editions import editions as compile_service

    class Consumer(jobs.EmbeddedConsumer):
        pass
    Consumer.worker_class = worker_class
    consumer = Consumer(jobs.huey, workers=2, worker_type="thread", periodic=False, check_worker_health=False)
    consumer.start()
    rows = []
    try:
        with app.app_context():
            rnd = db.session.scalars(db.select(Round)).first()
            user = db.session.scalars(db.select(User).where(User.email == "secretariat@bench.example")).one()
            for gap in GAPS[:clicks]:
                time.sleep(gap)
                t0 = time.perf_counter()
                edition = compile_service.start_compile(rnd, user)
                edition_id = edition.id
                db.session.commit()
                compile_service.enqueue(edition_id)
                started = None
                while True:
                    db.session.rollback()
                    row = db.session.get(CompiledReport, edition_id)
                    db.session.refresh(row)
                    if started is None and row.state != CompileState.queued:
                        started = time.perf_counter()
                    if row.state in (CompileState.done, CompileState.failed):
                        break
                    time.sleep(0.02)
                done = time.perf_counter()
                if row.state != CompileState.done:
                    raise SystemExit(row.error)
                rows.append((started - t0, done - started, done - t0))
    finally:
        consumer.stop(graceful=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ctportal-queue-bench-"))
    try:
        t = time.perf_counter()
        pdf_compile._run_step("setup", workdir)
        pdf_compile._run_step("cold", workdir)  # every part cached from here on
        print(f"synthetic round built and compiled once in {time.perf_counter() - t:.1f} s", flush=True)

        import logging
        from huey.consumer import Worker

        from ctportal import create_app
        from ctportal.infra import jobs
        logging.disable(logging.INFO)
        app = create_app({**pdf_compile._config(workdir), "JOBS_MODE": "embedded", "JOBS_PERIODIC": False})
        results = {"before (polling back-off)": _measure(app, Worker, args.clicks),
                   "after (woken by the enqueue)": _measure(app, jobs.WakeableWorker, args.clicks)}
        print(f"\n{'warm compile, embedded queue':<32}{'queued s':>18}{'job s':>14}{'click to done s':>22}")
        print(f"{'':<32}{'median   max':>18}{'median':>14}{'median   max':>22}")
        for label, rows in results.items():
            queued, job, total = zip(*rows)
            print(f"{label:<32}{statistics.median(queued):>10.2f}{max(queued):>8.2f}{statistics.median(job):>14.2f}"
                  f"{statistics.median(total):>14.2f}{max(total):>8.2f}")
        print(f"\n{len(GAPS[:args.clicks])} clicks per mode, idle gaps {GAPS[:args.clicks]} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
