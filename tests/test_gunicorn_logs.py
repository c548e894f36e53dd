"""The production server's logs: every line gunicorn writes is JSON, and secrets stay out of them."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from ctportal.models import db
from tests import servers

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port: int, target: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=servers.REQUEST_SECONDS) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: probe \"quoted\" \\ agent\r\n"
                     "Connection: close\r\n\r\n".encode())
        return int(sock.recv(64).split(b" ", 2)[1])


def test_gunicorn_writes_json_lines_without_single_use_secrets(app, database_url, tmp_path):
    db.session.commit()
    db.engine.dispose()
    port = _free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    env = dict(os.environ, CTPORTAL_ENV="testing", CTPORTAL_DATABASE_URL=database_url,
               CTPORTAL_STORAGE_DIR=app.config["STORAGE_DIR"], CTPORTAL_SECRET_KEY=app.config["SECRET_KEY"],
               CTPORTAL_JOBS_MODE="immediate", CTPORTAL_LOG_FORMAT="json",
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy/gunicorn.conf.py"),
                                   "app:app"], cwd=ROOT, stdout=stdout, stderr=stderr, env=env)
        try:
            servers.wait_until(lambda: _request(port, "/healthz") == 200, "gunicorn did not start",
                               process=server, details=err.read_text)
            _request(port, "/reset/SECRET-RESET-TOKEN-42")
            _request(port, "/invite/SECRET-INVITE-TOKEN-43?x=1")
            _request(port, '/login?next=%22%5C&q="\\')
        finally:
            servers.stop(server)
    lines = [(name, line) for name, path in (("stdout", out), ("stderr", err))
             for line in path.read_text().splitlines() if line.strip()]
    records = []
    for name, line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not JSON on {name}: {line!r}") from None
    assert any(r.get("logger") == "gunicorn.error" and "Listening at" in r.get("message", "") for r in records)
    access = [r for r in records if r.get("logger") == "gunicorn.access"]
    paths = [r["path"] for r in access]
    assert "/reset/[redacted]" in paths and "/invite/[redacted]" in paths
    assert all(isinstance(r["status"], int) for r in access)
    assert any(r["agent"] == 'probe "quoted" \\ agent' for r in access)
    text = out.read_text() + err.read_text()
    assert "SECRET-RESET-TOKEN" not in text and "SECRET-INVITE-TOKEN" not in text
