"""Backups: a consistent copy of the database with every stored file, and its restore.

A backup is a folder:
    manifest.json        what it holds: time, database kind, schema revision, every file's SHA-256
    database.sqlite3     (SQLite: the online backup API, consistent while the portal runs)
    database.pgdump      (PostgreSQL: pg_dump in custom format)
    files/<kind>/<name>  uploaded documents, compiled PDFs, cached parts

The database is copied first, then the files. Files are written (atomically) before the rows
that name them are committed and are never deleted in place, so every file the copied
database names is present in the copied files.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ctportal.models import CompiledReport, Document, FactcheckSlice, ProcessRecord, RenderedPart, db
from ctportal.infra import storage

MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sqlite_file(engine: sa.Engine) -> str:
    if not engine.url.database:
        raise BackupError("an in-memory SQLite database has no file to back up or restore")
    return engine.url.database


def _schema_revision() -> str:
    try:
        return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() or ""
    except sa.exc.DBAPIError:
        db.session.rollback()
        return ""


def create_backup(destination: Path) -> Path:
    """Write a backup into `destination` (a new, empty folder) and return it."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty; give a new folder.")
    destination.mkdir(parents=True, exist_ok=True)
    engine = db.engine
    manifest: dict[str, Any] = {"created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                      "database": engine.dialect.name, "schema_revision": _schema_revision(), "files": {}}
    db.session.rollback()  # hold no lock or snapshot of our own while copying
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_file(engine))
        target = sqlite3.connect(destination / "database.sqlite3")
        with target:
            source.backup(target)
        source.close()
        target.close()
        manifest["database_file"] = "database.sqlite3"
    elif engine.dialect.name == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(destination / "database.pgdump"),
              _libpq_url(engine)])
        manifest["database_file"] = "database.pgdump"
    else:
        raise BackupError(f"backups of {engine.dialect.name} databases are not supported")
    manifest["database_sha256"] = _sha256(destination / manifest["database_file"])
    storage_root = Path(current_app.config["STORAGE_DIR"])
    for kind in storage.KINDS:
        source_dir = storage_root / kind
        if not source_dir.is_dir():
            continue
        target_dir = destination / "files" / kind
        target_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(source_dir.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, target_dir / path.name)
                manifest["files"][f"{kind}/{path.name}"] = _sha256(target_dir / path.name)
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return destination


def restore_backup(source: Path) -> dict[str, Any]:
    """Restore a backup into this instance, whose database must be empty (a new instance)."""
    source = Path(source)
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} is not a backup: it has no {MANIFEST}.")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    engine = db.engine
    if manifest["database"] != engine.dialect.name:
        raise BackupError(f"the backup holds a {manifest['database']} database; this instance uses "
                          f"{engine.dialect.name}.")
    database_file = source / manifest["database_file"]
    if _sha256(database_file) != manifest["database_sha256"]:
        raise BackupError("the database copy in the backup does not match its recorded SHA-256.")
    for relative, sha in manifest["files"].items():
        if _sha256(source / "files" / relative) != sha:
            raise BackupError(f"the file {relative} in the backup does not match its recorded SHA-256.")
    if _has_data():
        raise BackupError("this instance already holds data; restore into a new, empty instance.")
    db.session.remove()
    engine.dispose()
    if engine.dialect.name == "sqlite":
        target = Path(_sqlite_file(engine))
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        source_db = sqlite3.connect(database_file)
        target_db = sqlite3.connect(target)
        with target_db:
            source_db.backup(target_db)
        source_db.close()
        target_db.close()
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq_url(engine), str(database_file)])
    storage_root = Path(current_app.config["STORAGE_DIR"])
    for relative in manifest["files"]:
        target = storage_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".restore-{target.name}")
        shutil.copy2(source / "files" / relative, tmp)
        os.replace(tmp, target)
    return manifest


def _has_data() -> bool:
    inspector = sa.inspect(db.engine)
    if "user_account" not in inspector.get_table_names():
        return False
    return bool(db.session.scalar(sa.text("SELECT EXISTS (SELECT 1 FROM user_account)")))


def _libpq_url(engine: sa.Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


@dataclass
class StorageReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def verify_storage() -> StorageReport:
    """Check every stored file against the SHA-256 its row records."""
    report = StorageReport()
    rows: list[tuple[str, str, str, str]] = []
    for doc in db.session.scalars(sa.select(Document)):
        rows.append(("documents", doc.stored_name, doc.sha256, f"document {doc.id} ({doc.original_name})"))
    for edition in db.session.scalars(sa.select(CompiledReport).where(CompiledReport.stored_name.is_not(None))):
        rows.append(("compiled", edition.stored_name or "", edition.sha256 or "", f"compiled report {edition.id}"))
        if edition.docx_stored_name:  # its Word version (issue 16, item 3)
            rows.append(("compiled", edition.docx_stored_name, edition.docx_sha256 or "",
                         f"compiled report {edition.id} (Word)"))
    for part in db.session.scalars(sa.select(RenderedPart)):
        rows.append(("parts", part.stored_name, part.sha256, f"rendered part {part.id}"))
    for piece in db.session.scalars(sa.select(FactcheckSlice)):  # each party's part of a draft edition
        rows.append(("compiled", piece.stored_name, piece.sha256, f"fact-check slice {piece.id}"))
    for process in db.session.scalars(sa.select(ProcessRecord).where(ProcessRecord.report_stored.is_not(None))):
        rows.append(("documents", process.report_stored or "", process.report_sha256,
                     f"report of process {process.id} ({process.report_name})"))
    for kind, name, sha, label in rows:
        report.checked += 1
        try:
            path = storage.path_for(kind, name)
        except ValueError:
            report.problems.append(f"{label}: invalid stored name {name!r}")
            continue
        if not path.is_file():
            report.problems.append(f"{label}: file {kind}/{name} is missing")
        elif _sha256(path) != sha:
            report.problems.append(f"{label}: file {kind}/{name} does not match its SHA-256")
    return report
