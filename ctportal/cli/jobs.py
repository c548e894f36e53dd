"""The background job worker, for CTPORTAL_JOBS_MODE=redis."""
from __future__ import annotations

import os

import click


@click.command("jobs-worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@click.option("--nice", default=10, show_default=True,
              help="Lower the worker's CPU priority by this much (its render processes run at PDF_RENDER_NICE).")
def jobs_worker(workers: int, nice: int) -> None:
    """Run the background job worker and the periodic tasks (needed when CTPORTAL_JOBS_MODE=redis)."""
    from ctportal.infra.jobs import create_worker_consumer

    if nice:
        os.nice(nice)
    create_worker_consumer(workers).run()


commands = [jobs_worker]
