"""The background job worker, for CTPORTAL_JOBS_MODE=redis."""
from __future__ import annotations

import click


@click.command("jobs-worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def jobs_worker(workers: int) -> None:
    """Run the background job worker (needed when CTPORTAL_JOBS_MODE=redis)."""
    from ctportal.infra.jobs import huey

    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()


commands = [jobs_worker]
