"""A job whose worker died is noticed (heartbeat) and failed with its reason; nothing stays "running"."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from ctportal.models import CompiledReport, CompileState, db, utcnow
from ctportal.pdf import renderer
from ctportal.services.editions import editions as compile_service
from ctportal.services.operations import heartbeat
from tests.test_compile_workflow import approved_round

ROOT = Path(__file__).resolve().parent.parent

# A job worker (as `flask jobs-worker` runs a compile), in a process of its own; the render
# never ends, so the process is killed in the middle of it.
JOB_WORKER = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.conftest import _config
from ctportal import create_app
settings = json.loads(sys.argv[1])
config = _config(Path(settings["tmp"]), settings["database_url"])
config.update(JOB_HEARTBEAT_SECONDS=0.2)
app = create_app(config)
from ctportal.services.editions import edition, editions

def endless_render(data, pool, progress=None, **kwargs):
    progress(30, "Rendering Annex I (Albania)")
    while True:
        time.sleep(1)

edition.build_edition = endless_render
with app.app_context():
    editions.run_compile(settings["edition"], pool=object())
"""


def _edition_row(edition_id: int):
    with db.engine.connect() as other:  # what is committed, whatever this session holds
        return other.execute(sa.select(CompiledReport.state, CompiledReport.heartbeat_at, CompiledReport.started_at,
                                       CompiledReport.error).where(CompiledReport.id == edition_id)).one()


def test_a_killed_job_worker_leaves_a_failed_edition_never_running(app, users, database_url, tmp_path):
    rnd = approved_round(users)
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    settings = {"tmp": str(tmp_path), "database_url": database_url, "edition": edition.id}
    worker = subprocess.Popen([sys.executable, "-c", JOB_WORKER.format(root=str(ROOT)), json.dumps(settings)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        beats = set()
        while time.monotonic() < deadline and len(beats) < 3:  # running, and beating
            row = _edition_row(edition.id)
            if row.state == CompileState.running and row.heartbeat_at:
                beats.add(row.heartbeat_at)
            assert worker.poll() is None, worker.stderr.read().decode()[-3000:]
            time.sleep(0.1)
        assert len(beats) >= 3, "the running job wrote no heartbeats"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    assert _edition_row(edition.id).state == CompileState.running  # what the dead worker left

    last_beat = _edition_row(edition.id).heartbeat_at
    db.session.commit()  # a fresh snapshot, as the scheduler's run has
    assert heartbeat.fail_silent_jobs(last_beat + dt.timedelta(seconds=5)) == []  # not silent long enough yet
    failed = heartbeat.fail_silent_jobs(last_beat + heartbeat.silence_limit() + dt.timedelta(seconds=1))
    db.session.commit()
    assert [job.id for job in failed] == [edition.id]
    row = _edition_row(edition.id)
    assert row.state == CompileState.failed
    assert "worker running this job stopped" in row.error and "start it again" in row.error
    assert compile_service.active_edition(rnd) is None  # "Compile again" is offered


def test_the_round_page_fails_a_silent_edition_when_looked_at(client, auth, users):
    rnd = approved_round(users)
    long_ago = utcnow() - dt.timedelta(minutes=5)
    edition = CompiledReport(round_id=rnd.id, state=CompileState.running, progress=40, stage="Rendering",
                             requested_by_id=users.secretariat.id, started_at=long_ago, heartbeat_at=long_ago)
    db.session.add(edition)
    db.session.commit()
    auth.login(users.secretariat)
    status = client.get(f"/compile/rounds/{rnd.id}/status.json").get_json()
    assert status["state"] == "failed" and "worker running this job stopped" in status["error"]
    page = client.get(f"/compile/rounds/{rnd.id}").get_data(as_text=True)
    assert "failed" in page and "Compile again" in page
    assert "Refresh" not in client.get(f"/compile/rounds/{rnd.id}").headers


def test_a_killed_render_process_fails_the_edition_with_the_reason(app, users, monkeypatch):
    rnd = approved_round(users)
    real_render = renderer._Worker.render

    def killed_mid_render(self, html, out, timeout, *args):
        self.proc.kill()  # as the OOM killer or an operator would
        return real_render(self, html, out, timeout, *args)

    monkeypatch.setattr(renderer._Worker, "render", killed_mid_render)
    edition = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(edition.id)
    db.session.commit()
    row = _edition_row(edition.id)
    assert row.state == CompileState.failed
    assert "the rendering process stopped unexpectedly" in row.error


def test_a_heartbeat_beats_only_while_the_job_runs(app, users):
    app.config["JOB_HEARTBEAT_SECONDS"] = 0.05
    rnd = approved_round(users)
    edition = compile_service.start_compile(rnd, users.secretariat)
    edition.state, edition.started_at = CompileState.running, utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    with heartbeat.Heartbeat(CompiledReport, edition.id):
        time.sleep(0.4)
    time.sleep(0.1)  # a beat under way as the block ended lands now
    beat = _edition_row(edition.id).heartbeat_at
    assert beat is not None and beat > edition.started_at
    time.sleep(0.3)
    assert _edition_row(edition.id).heartbeat_at == beat  # stopped with the block


def test_leaving_the_block_never_waits_for_a_beat_stuck_on_the_lock(app, monkeypatch):
    """On SQLite a beat can wait for the write lock the job itself holds as it finishes: the job
    must not wait for that beat (it did, for the whole 30 s busy timeout, in the queue bench)."""
    app.config["JOB_HEARTBEAT_SECONDS"] = 0.01
    entered, release = threading.Event(), threading.Event()

    def beat_waiting_for_the_lock(self) -> None:
        entered.set()
        release.wait(10)

    monkeypatch.setattr(heartbeat.Heartbeat, "beat", beat_waiting_for_the_lock)
    beating = heartbeat.Heartbeat(CompiledReport, 1)
    with beating:
        assert entered.wait(5)
    assert beating._thread.is_alive()  # the block was left while the beat still waits
    release.set()
    beating._thread.join(5)
    assert not beating._thread.is_alive()
