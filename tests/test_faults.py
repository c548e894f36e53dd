"""Faults: a worker killed mid-upload, a full disk, a failed commit, a PDF job that dies halfway.

After each: no row points to a missing file (verify_storage), no partial file is left in the
storage folders, the user was told plainly what happened, and what was saved before is intact.
"""
from __future__ import annotations

import errno
import hashlib
import io
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ctportal import create_app
from ctportal.models import CompiledReport, CompiledReportRevision, CompileState, Document, db
from ctportal.pdf import renderer
from ctportal.services.editions import editions as compile_service
from ctportal.infra import storage
from ctportal.services.operations.backup import verify_storage
from tests import servers
from tests.access.world import MINIMAL_PDF
from tests.factories import approve, fill_report, make_round, report_of, submit


def upload(client, report, content: bytes, name: str):
    return client.post(f"/reports/{report.id}/documents/upload",
                       data={"file": (io.BytesIO(content), name, "application/pdf"), "sensitivity": "limite",
                             "title": ""}, content_type="multipart/form-data")


def partial_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"])
    return sorted(root.glob(f"*/{storage.TEMP_PREFIX}*"))


def document_files(app) -> list[str]:
    """The complete files in documents/ (temporary files are checked by partial_files)."""
    folder = Path(app.config["STORAGE_DIR"]) / "documents"
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(storage.TEMP_PREFIX))


def assert_storage_consistent(app) -> None:
    db.session.expire_all()
    report = verify_storage()
    assert report.problems == [], report.problems
    assert partial_files(app) == []


@pytest.fixture
def al(app):
    return report_of(make_round(), "AL")


@pytest.fixture
def earlier(app, client, auth, al):
    """A document uploaded before the fault: it must come out of it untouched."""
    auth.login("contributor_al")
    assert upload(client, al, MINIMAL_PDF, "earlier.pdf").status_code == 302
    doc = db.session.scalar(sa.select(Document))
    path = storage.path_for("documents", doc.stored_name)
    return {"id": doc.id, "stored_name": doc.stored_name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def assert_only_the_earlier_document(app, earlier) -> None:
    db.session.expire_all()
    docs = db.session.scalars(sa.select(Document)).all()
    assert [(d.id, d.stored_name, d.sha256) for d in docs] == [
        (earlier["id"], earlier["stored_name"], earlier["sha256"])]
    assert document_files(app) == [earlier["stored_name"]]
    assert storage.sha256_of("documents", earlier["stored_name"]) == earlier["sha256"]


def tagged_pdf(tag: bytes) -> bytes:
    """A valid PDF of its own bytes (a different file from MINIMAL_PDF, without anything after %%EOF)."""
    import pikepdf
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(b"% " + tag)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def big_pdf(megabytes: int) -> bytes:
    """A real PDF of that size (a page whose content stream is blank): uploads refuse bytes after
    %%EOF, so the padding cannot simply be appended."""
    import pikepdf
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(b" " * (megabytes * 1024 * 1024))
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


# --- 1. the worker is killed in the middle of an upload ----------------------------------------------

def _upload_until_killed(client, report_id: int, body: bytes, written) -> None:
    """Child process: a real upload whose writer stops after two chunks are on disk and waits to die."""
    db.session.remove()  # the connections of the parent are not ours
    real = storage.read_chunks

    def slow_chunks(stream):
        for n, chunk in enumerate(real(stream), start=1):
            yield chunk
            if n == 2:
                written.set()      # two chunks handed to write_atomically: kill me now
                time.sleep(60)

    storage.read_chunks = slow_chunks
    client.post(f"/reports/{report_id}/documents/upload",
                data={"file": (io.BytesIO(body), "large.pdf", "application/pdf"), "sensitivity": "limite"},
                content_type="multipart/form-data")
    os._exit(3)  # never reached when the test works: the parent kills us first


def test_a_worker_killed_mid_upload_leaves_no_row_and_its_partial_file_goes_at_the_next_start(
        app, client, earlier, al):
    db.session.commit()
    db.engine.dispose()  # the forked worker must not share pooled connections with the test
    ctx = multiprocessing.get_context("fork")
    written = ctx.Event()
    worker = ctx.Process(target=_upload_until_killed, args=(client, al.id, big_pdf(5), written))
    worker.start()
    try:
        assert written.wait(30), "the upload never reached the storage"
        partial = partial_files(app)
        assert len(partial) == 1 and partial[0].parent.name == "documents"
        assert partial[0].name.startswith(f"{storage.TEMP_PREFIX}{worker.pid}-")
        assert partial[0].stat().st_size >= storage.CHUNK  # the writer is halfway through the file
        os.kill(worker.pid, signal.SIGKILL)  # like the OOM killer or a `kill -9` of a gunicorn worker
    finally:
        worker.join(10)
        if worker.is_alive():
            worker.kill()
            worker.join()
    assert worker.exitcode == -signal.SIGKILL
    # Nothing reached the database; the only trace is the writer's temporary file ...
    assert_only_the_earlier_document(app, earlier)
    assert [p.parent.name for p in partial_files(app)] == ["documents"]
    assert verify_storage().problems == []
    # ... and the next start of the portal (the service restarting the worker) removes it.
    restarted = create_app(dict(app.config))
    assert restarted is not None
    assert partial_files(app) == []
    assert_only_the_earlier_document(app, earlier)
    assert_storage_consistent(app)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _get(port: int, path: str, cookie: str = "") -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=servers.REQUEST_SECONDS) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ctportal_session={cookie}\r\n"
                     "Connection: close\r\n\r\n".encode())
        return int(sock.recv(64).split(b" ", 2)[1])


def _serving_or_none(client_port: int, candidates: list[int]) -> int | None:
    try:
        return _process_serving(client_port, candidates)
    except AssertionError:
        return None


def _process_serving(client_port: int, candidates: list[int]) -> int:
    """The process holding the server side of the TCP connection from `client_port`."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].rsplit(":", 1)[1], 16) == client_port:  # remote end of the server's socket
            inodes.add(fields[9])
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd).removeprefix("socket:[").rstrip("]") in inodes:
                    return pid
            except OSError:
                continue
    raise AssertionError("no worker holds the connection")


def test_gunicorn_workers_killed_mid_body_leave_nothing_and_the_service_carries_on(
        app, client, earlier, al, database_url):
    """A real gunicorn (production config, 2 workers): the worker reading a half-sent upload is SIGKILLed."""
    db.session.commit()
    db.engine.dispose()
    port = _free_port()
    env = dict(os.environ, CTPORTAL_ENV="testing", CTPORTAL_DATABASE_URL=database_url,
               CTPORTAL_STORAGE_DIR=app.config["STORAGE_DIR"], CTPORTAL_SECRET_KEY=app.config["SECRET_KEY"],
               CTPORTAL_JOBS_MODE="immediate")
    root = Path(__file__).resolve().parents[1]
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", str(root / "deploy/gunicorn.conf.py"),
                               "app:app"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2"))
    try:
        servers.wait_until(lambda: _get(port, "/healthz") == 200 and len(_children(server.pid)) == 2,
                           "gunicorn did not start with its 2 workers", process=server)
        workers = _children(server.pid)
        # Logged in as the contributor (the test client's session cookie), half of a 4 MB upload.
        boundary = "faultboundary"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"sensitivity\"\r\n\r\nlimite\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large.pdf\"\r\n"
                "Content-Type: application/pdf\r\n\r\n").encode()
        content = big_pdf(4)
        tail = f"\r\n--{boundary}--\r\n".encode()
        cookie = client.get_cookie("ctportal_session").value
        request = (f"POST /reports/{al.id}/documents/upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"Cookie: ctportal_session={cookie}\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                   f"Content-Length: {len(head) + len(content) + len(tail)}\r\nConnection: close\r\n\r\n").encode()
        assert _get(port, f"/reports/{al.id}/documents/upload", cookie) == 200  # the session is good here
        with socket.create_connection(("127.0.0.1", port), timeout=servers.REQUEST_SECONDS) as sock:
            sock.sendall(request + head + content[:len(content) // 2])
            # A worker accepts the connection and waits for the rest of the body (on a busy machine
            # the accept itself can take a while).
            servers.wait_until(lambda: _serving_or_none(sock.getsockname()[1], workers) is not None,
                               "no worker took the upload's connection", seconds=servers.REQUEST_SECONDS)
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)  # no answer yet: the worker is waiting for the rest of the body
            sock.setblocking(True)
            victim = _process_serving(sock.getsockname()[1], workers)
            os.kill(victim, signal.SIGKILL)
            try:
                answer = sock.recv(1024)
            except ConnectionResetError:
                answer = b""
        assert answer == b""  # the connection drops: the browser reports it and the user sends again
        # gunicorn starts a fresh worker (which starts the app: it sweeps dead writers' temporary files).
        # The killed worker stays listed until gunicorn reaps it.
        servers.wait_until(lambda: victim not in (replaced := _children(server.pid)) and len(replaced) == 2
                           and _get(port, "/healthz") == 200, "gunicorn did not replace its worker", process=server)
        assert _get(port, f"/reports/{al.id}/documents/upload", cookie) == 200  # the service carries on
    finally:
        servers.stop(server)
    assert_only_the_earlier_document(app, earlier)
    assert_storage_consistent(app)


def test_the_orphan_cleanup_spares_the_temporary_file_of_a_live_writer(app, tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    live = folder / f"{storage.TEMP_PREFIX}{os.getpid()}-abc"
    live.write_bytes(b"being written")
    dead = folder / f"{storage.TEMP_PREFIX}999999999-abc"
    dead.write_bytes(b"left by a crash")
    assert storage.remove_orphaned_temporary_files(tmp_path) == [dead]
    assert live.exists() and not dead.exists()


# --- 2. the disk fills up during an upload ----------------------------------------------------------

class _FillsUp:
    """A file object that takes the first chunk, then finds the disk full."""

    def __init__(self, fh):
        self._fh = fh
        self._writes = 0

    def write(self, data):
        self._writes += 1
        if self._writes > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._fh.write(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._fh.__exit__(*exc)


def test_a_full_disk_during_an_upload_is_said_plainly_and_leaves_nothing(app, client, earlier, al, monkeypatch):
    storage_dir = str(Path(app.config["STORAGE_DIR"]).resolve())
    real_fdopen = os.fdopen
    filled = []

    def fdopen(fd, *args, **kwargs):
        fh = real_fdopen(fd, *args, **kwargs)
        if os.path.realpath(f"/proc/self/fd/{fd}").startswith(storage_dir):
            filled.append(fd)
            return _FillsUp(fh)
        return fh

    monkeypatch.setattr(storage.os, "fdopen", fdopen)
    response = upload(client, al, big_pdf(3), "large.pdf")
    monkeypatch.undo()
    assert filled, "the fault was never injected"
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "the server&#39;s disk is full" in page or "the server's disk is full" in page
    assert "Nothing was uploaded" in page and "File:" in page
    assert_only_the_earlier_document(app, earlier)
    assert_storage_consistent(app)
    # Once there is room again the same upload works.
    assert upload(client, al, big_pdf(3), "large.pdf").status_code == 302
    assert_storage_consistent(app)


def test_a_storage_that_fails_otherwise_is_said_plainly_too(app, client, earlier, al, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(storage, "write_atomically", broken)
    response = upload(client, al, MINIMAL_PDF, "a.pdf")
    assert response.status_code == 503
    assert "could not be stored because of a problem on the server" in response.get_data(as_text=True)
    monkeypatch.undo()
    assert_only_the_earlier_document(app, earlier)
    assert_storage_consistent(app)


# --- 3. the database commit fails after the file was written ----------------------------------------

def test_a_failed_commit_removes_the_file_just_written_and_says_so(app, client, earlier, al, monkeypatch):
    written = []
    real_write = storage.write_atomically

    def recording_write(*args, **kwargs):
        result = real_write(*args, **kwargs)
        written.append(result[0])
        return result

    real_commit = db.session.commit

    def failing_commit():
        if written and not failing_commit.failed:  # the first commit after the file is on disk
            failing_commit.failed = True
            raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))
        return real_commit()

    failing_commit.failed = False
    monkeypatch.setattr(storage, "write_atomically", recording_write)
    monkeypatch.setattr(db.session, "commit", failing_commit)
    response = upload(client, al, tagged_pdf(b"new"), "new.pdf")
    monkeypatch.undo()
    assert failing_commit.failed and len(written) == 1
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "could not be saved because the database did not answer" in page and "Nothing was uploaded" in page
    # The file had been written under a name of its own; it is gone again.
    assert not any(name.startswith(written[0]) for name in document_files(app))
    assert_only_the_earlier_document(app, earlier)
    assert_storage_consistent(app)


def test_a_failed_commit_of_a_new_version_keeps_the_current_one(app, client, earlier, al, monkeypatch):
    real_commit = db.session.commit
    state = {"armed": False, "failed": False}

    def failing_commit():
        if state["armed"] and not state["failed"]:
            state["failed"] = True
            raise sa.exc.OperationalError("COMMIT", {}, Exception("database is locked"))
        return real_commit()

    real_write = storage.write_atomically

    def arming_write(*args, **kwargs):
        result = real_write(*args, **kwargs)
        state["armed"] = True
        return result

    monkeypatch.setattr(storage, "write_atomically", arming_write)
    monkeypatch.setattr(db.session, "commit", failing_commit)
    response = client.post(f"/reports/{al.id}/documents/{earlier['id']}/replace",
                           data={"file": (io.BytesIO(tagged_pdf(b"v2")), "v2.pdf"), "sensitivity": "limite"},
                           content_type="multipart/form-data")
    monkeypatch.undo()
    assert state["failed"] and response.status_code == 503
    assert "could not be saved because the database did not answer" in response.get_data(as_text=True)
    assert_only_the_earlier_document(app, earlier)
    doc = db.session.get(Document, earlier["id"])
    assert doc.replaced_at is None  # still the current version
    assert_storage_consistent(app)


# --- 4. the PDF job crashes halfway ----------------------------------------------------------------

def test_a_compile_whose_renderer_dies_halfway_keeps_the_previous_edition_and_a_retry_succeeds(
        app, users, client, auth, monkeypatch):
    rnd = make_round()
    for code in ("AL", "RS"):
        fill_report(report_of(rnd, code), "Napredak {key}")
    al, rs = report_of(rnd, "AL"), report_of(rnd, "RS")
    submit(al, users.coordinator_al)
    approve(al, users.reviewer)
    db.session.commit()
    first = compile_service.start_compile(rnd, users.secretariat)
    db.session.commit()
    compile_service.run_compile(first.id)
    db.session.expire_all()
    assert first.state == CompileState.done, first.error
    first_name, first_sha = first.stored_name, first.sha256
    assert storage.sha256_of("compiled", first_name) == first_sha

    # Serbia's report is approved: the next edition must render new parts, and its renderer is
    # killed (SIGKILL, as the kernel's OOM killer would) while the second part is being rendered.
    submit(rs, users.coordinator_rs)
    approve(rs, users.reviewer)
    db.session.commit()
    real_render = renderer._Worker.render
    renders = []

    def dying_render(self, html, out, timeout, *args):
        renders.append(out)
        if len(renders) == 2:
            out.write_bytes(b"%PDF-1.7 half a part")  # what the worker had written when it died
            self.proc.kill()
            self.proc.wait()
        return real_render(self, html, out, timeout, *args)

    monkeypatch.setattr(renderer._Worker, "render", dying_render)
    auth.login("secretariat")
    assert client.post(f"/compile/rounds/{rnd.id}/compile").status_code == 302
    monkeypatch.undo()
    assert len(renders) >= 2  # a part already handed to the fresh worker may finish; it is thrown away
    failed = db.session.scalar(sa.select(CompiledReport).where(CompiledReport.id != first.id))
    assert failed.state == CompileState.failed and failed.stored_name is None
    assert "the rendering process stopped unexpectedly" in failed.error
    assert [out for out in renders if out.exists()] == []
    # The secretariat sees why, and the previous edition is still there, byte for byte.
    page = client.get(f"/compile/rounds/{rnd.id}").get_data(as_text=True)
    assert "the rendering process stopped unexpectedly" in page
    assert f"/editions/{first.id}/download" in page
    download = client.get(f"/compile/rounds/{rnd.id}/editions/{first.id}/download")
    assert download.status_code == 200 and hashlib.sha256(download.data).hexdigest() == first_sha
    assert compile_service.latest_done(rnd).id == first.id
    # The first edition's PDF and its Word version, nothing of the failed one.
    assert sorted(p.name for p in (Path(app.config["STORAGE_DIR"]) / "compiled").iterdir()) == sorted(
        [first_name, first.docx_stored_name])
    assert_storage_consistent(app)

    # A retry (a new edition; the failed one stays on record) succeeds with both reports.
    assert client.post(f"/compile/rounds/{rnd.id}/compile").status_code == 302
    retry = compile_service.latest_done(rnd)
    assert retry.id not in (first.id, failed.id) and retry.state == CompileState.done, retry.error
    contained = db.session.scalars(sa.select(CompiledReportRevision.revision_id).where(
        CompiledReportRevision.compiled_report_id == retry.id)).all()
    assert sorted(contained) == sorted([al.approved_revision_id, rs.approved_revision_id])
    assert storage.sha256_of("compiled", first_name) == first_sha
    assert_storage_consistent(app)
