"""backup → restore into an empty instance gives back everything; verify-storage finds damage."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from ctportal import create_app
from ctportal.models import Document, Sensitivity, User, db
from ctportal.infra import storage
from tests.conftest import TEST_DATABASE_URL, _config
from tests.factories import make_round, report_of


def _add_document(report, user, content: bytes, name: str) -> Document:
    stored, sha, size = storage.write_atomically("documents", [content], "pdf")
    doc = Document(report_id=report.id, original_name=name, stored_name=stored, content_type="application/pdf",
                   size=size, sha256=sha, sensitivity=Sensitivity.limite, uploaded_by_id=user.id)
    db.session.add(doc)
    db.session.commit()
    return doc


@pytest.fixture
def empty_instance_url(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{url.database}_restore"
    admin = sa.create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    db.session.remove()  # the test's session may hold a connection of the restored app's engine
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_restores_into_an_empty_instance(app, users, runner, tmp_path, empty_instance_url):
    report = report_of(make_round(), "AL")
    doc = _add_document(report, users.coordinator_al, b"%PDF-1.4 evidence \xc3\xab", "Raporti për ç.pdf")
    user_count = db.session.scalar(sa.select(sa.func.count(User.id)))

    result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output

    restored = create_app({**_config(tmp_path / "restored", empty_instance_url)})
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == user_count
        copy = db.session.get(Document, doc.id)
        assert copy.original_name == "Raporti për ç.pdf"
        assert storage.path_for("documents", copy.stored_name).read_bytes() == b"%PDF-1.4 evidence \xc3\xab"
        check = restored.test_cli_runner().invoke(args=["verify-storage"])
        assert check.exit_code == 0 and "All 1 stored files are intact" in check.output
        # A restore never overwrites an instance that holds data.
        again = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        assert again.exit_code != 0 and "already holds data" in again.output
        db.session.remove()
        db.engine.dispose()


def test_a_damaged_backup_is_refused(app, users, runner, tmp_path, empty_instance_url):
    report = report_of(make_round(), "RS")
    _add_document(report, users.coordinator_rs, b"%PDF-1.4 original", "evidence.pdf")
    assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    damaged = next((tmp_path / "backup" / "files" / "documents").iterdir())
    damaged.write_bytes(b"%PDF-1.4 tampered")
    restored = create_app({**_config(tmp_path / "restored", empty_instance_url)})
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        assert result.exit_code != 0 and "does not match its recorded SHA-256" in result.output
        db.session.remove()
        db.engine.dispose()


def test_verify_storage_names_missing_and_altered_files(app, users, runner):
    report = report_of(make_round(), "AL")
    kept = _add_document(report, users.coordinator_al, b"%PDF-1.4 kept", "kept.pdf")
    altered = _add_document(report, users.coordinator_al, b"%PDF-1.4 altered", "altered.pdf")
    missing = _add_document(report, users.coordinator_al, b"%PDF-1.4 missing", "missing.pdf")
    storage.path_for("documents", altered.stored_name).write_bytes(b"changed on disk")
    os.unlink(storage.path_for("documents", missing.stored_name))
    result = runner.invoke(args=["verify-storage"])
    assert result.exit_code != 0
    assert f"document {altered.id} (altered.pdf): file documents/{altered.stored_name} does not match" in result.output
    assert f"document {missing.id} (missing.pdf): file documents/{missing.stored_name} is missing" in result.output
    assert f"document {kept.id}" not in result.output
    assert "2 of 3 stored files have a problem" in result.output


def test_a_partial_file_of_a_killed_writer_is_removed_at_start(app, tmp_path):
    import subprocess
    import sys

    from ctportal.infra.storage import TEMP_PREFIX, folder, remove_orphaned_temporary_files

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = folder("documents") / f"{TEMP_PREFIX}{dead.stdout.strip()}-abc"
    orphan.write_bytes(b"half an upload")
    alive = folder("documents") / f"{TEMP_PREFIX}{os.getpid()}-def"
    alive.write_bytes(b"an upload in progress")
    removed = remove_orphaned_temporary_files(app.config["STORAGE_DIR"])
    assert removed == [orphan] and not orphan.exists() and alive.exists()


def test_verify_storage_checks_the_process_reports_and_fact_check_slices_too(app, users, runner):
    import datetime as dt

    from ctportal.models import ProcessKind, ProcessRecord
    rnd = make_round()
    name, sha, size = storage.write_atomically("documents", iter([b"%PDF-1.4 minutes"]), "pdf")
    process = ProcessRecord(round_id=rnd.id, kind=list(ProcessKind)[0], title="Dialogue", held_on=dt.date(2026, 3, 5),
                            place="Tirana", report_name="minutes.pdf", report_stored=name, report_size=size,
                            report_sha256=sha,
                            recorded_by_id=users.reviewer.id, updated_by_id=users.reviewer.id)
    db.session.add(process)
    db.session.commit()
    assert runner.invoke(args=["verify-storage"]).exit_code == 0
    storage.path_for("documents", name).write_bytes(b"changed on disk")
    result = runner.invoke(args=["verify-storage"])
    assert result.exit_code != 0
    assert f"report of process {process.id} (minutes.pdf): file documents/{name} does not match" in result.output
