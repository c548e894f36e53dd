"""A clean start: `make run` as a new user runs it, served on a port of its own, and used.

The real command path (Makefile → init-db → seed-demo → flask run), on a free port, with the
database and files in a temporary folder. A reviewer signs in, approves a report; the approval's
mail and pre-render job run on the embedded queue. Any traceback in the log fails the test
(it caught the tasks being registered only after the consumer started); the mail's links must
name the port the server listens on (BASE_URL follows PORT).
"""
from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import servers

ROOT = Path(__file__).resolve().parent.parent
requests = pytest.importorskip("requests")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}; log:\n{log.read_text(errors='replace')[-4000:]}")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                     html).group(1) or ""


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html)
    assert match, f"no {name} field"
    return match.group(1)


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CTPORTAL_", "FLASK_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
                "CTPORTAL_STORAGE_DIR": str(tmp_path / "files"), "PYTHONUNBUFFERED": "1"})
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(["make", "run", f"PORT={port}", "HOST=127.0.0.1", f"PYTHON={sys.executable}"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def up():
        if proc.poll() is not None:
            pytest.fail(f"make run exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            return requests.get(base + "/readyz", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        _wait_for(up, 240, "the server to answer", log)
        yield base, port, tmp_path, log, env
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _demo_code(env: dict, email: str) -> str:
    done = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "demo-code", email], cwd=ROOT,
                          env={**env, "CTPORTAL_ENV": "development"}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return re.search(r"\b(\d{6})\b", done.stdout).group(1)


def test_make_run_serves_approves_and_logs_no_traceback(served):
    base, port, tmp_path, log, env = served
    web = requests.Session()
    page = web.get(base + "/login", timeout=10)
    answer = web.post(base + "/login", timeout=10, data={
        "csrf_token": _hidden(page.text, "csrf_token"), "email": "reviewer@demo.ctportal.eu",
        "password": "demo-portal-passphrase"})
    assert "second-factor" in answer.url, answer.url
    answer = web.post(answer.url, timeout=10, data={"csrf_token": _hidden(answer.text, "csrf_token"),
                                                     "code": _demo_code(env, "reviewer@demo.ctportal.eu")})
    assert answer.status_code == 200 and "login" not in answer.url, answer.url

    database = sqlite3.connect(tmp_path / "portal.sqlite3")
    report_id = database.execute("SELECT id FROM report WHERE state = 'submitted' ORDER BY id LIMIT 1").fetchone()[0]
    review = web.get(f"{base}/review/reports/{report_id}", timeout=10)
    assert review.status_code == 200 and f'href="/review/reports/{report_id}/approve"' in review.text
    confirm = web.get(f"{base}/review/reports/{report_id}/approve", timeout=10)  # the confirmation page
    form = confirm.text[confirm.text.index(f'action="/review/reports/{report_id}/approve"'):]
    approved = web.post(f"{base}/review/reports/{report_id}/approve", timeout=30, data={
        "csrf_token": _hidden(form, "csrf_token"), "state_version": _hidden(form, "state_version"),
        "confirmed": _hidden(form, "confirmed")})
    assert approved.status_code == 200 and "approved and locked" in approved.text

    def state(sql):
        return database.execute(sql).fetchone()[0]
    assert state(f"SELECT state FROM report WHERE id = {report_id}") == "approved"
    # The approval's jobs ran on the embedded queue: its mail went out, its annex was pre-rendered.
    _wait_for(lambda: state("SELECT count(*) FROM outgoing_mail WHERE sent_at IS NULL") == 0
              and state(f"SELECT count(*) FROM rendered_part WHERE revision_id = "
                        f"(SELECT approved_revision_id FROM report WHERE id = {report_id})") > 0,
              servers.STARTUP_SECONDS, "the approval's mail and pre-render", log)  # behind the demo's pre-renders
    approval_mail = database.execute("SELECT body FROM outgoing_mail WHERE subject LIKE '% approved: %' "
                                     "ORDER BY id DESC LIMIT 1").fetchone()[0]
    links = re.findall(r"https?://[^\s]+", approval_mail)
    assert links and all(link.startswith(f"http://127.0.0.1:{port}/") for link in links), links

    text = log.read_text(errors="replace")
    for bad in ("Traceback", "HueyException", "not found in TaskRegistry", " ERROR "):
        assert bad not in text, f"{bad!r} in the server's log:\n{text[-6000:]}"
