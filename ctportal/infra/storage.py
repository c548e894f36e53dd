"""Files on disk: written atomically under server-made names, found again by kind and name.

Layout under STORAGE_DIR:  documents/<name>   uploaded documents
                           compiled/<name>    editions of the consolidated PDF
                           parts/<name>       cached PDF parts rendered from approved revisions
"""
from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO
from collections.abc import Iterable

from flask import current_app

KINDS = ("documents", "compiled", "parts")
TEMP_PREFIX = ".partial-"
CHUNK = 1024 * 1024


def folder(kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown storage kind {kind!r}")
    path = Path(current_app.config["STORAGE_DIR"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(kind: str, stored_name: str) -> Path:
    """The file of a stored name; the name is ours (hex + extension), never a user's."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("invalid stored name")
    return folder(kind) / stored_name


def new_name(extension: str = "") -> str:
    ext = extension.lower().lstrip(".")
    return secrets.token_hex(16) + (f".{ext}" if ext and ext.isalnum() else "")


def write_atomically(kind: str, chunks: Iterable[bytes], extension: str = "") -> tuple[str, str, int]:
    """Write to a temporary file, fsync, then rename into place: a crash leaves no partial file.

    Returns (stored_name, sha256, size). On any error the temporary file is removed.
    """
    target_dir = folder(kind)
    name = new_name(extension)
    digest = hashlib.sha256()
    size = 0
    # The writer's PID is in the temporary name: if the process is killed mid-write, the next
    # start of the portal knows the file is an orphan (see remove_orphaned_temporary_files).
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f"{TEMP_PREFIX}{os.getpid()}-")
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target_dir / name)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return name, digest.hexdigest(), size


def read_chunks(stream: BinaryIO) -> Iterable[bytes]:
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        yield chunk


def remove(kind: str, stored_name: str) -> None:
    """Remove a stored file if it is there (used to undo a write whose database commit failed)."""
    try:
        path_for(kind, stored_name).unlink()
    except FileNotFoundError:
        pass


def sha256_of(kind: str, stored_name: str) -> str:
    digest = hashlib.sha256()
    with path_for(kind, stored_name).open("rb") as fh:
        for chunk in read_chunks(fh):
            digest.update(chunk)
    return digest.hexdigest()


def remove_orphaned_temporary_files(storage_dir: str | Path) -> list[Path]:
    """Delete temporary files left by writers that died mid-write (their process is gone)."""
    removed = []
    for kind in KINDS:
        directory = Path(storage_dir) / kind
        if not directory.is_dir():
            continue
        for path in directory.glob(f"{TEMP_PREFIX}*"):
            try:
                pid = int(path.name[len(TEMP_PREFIX):].split("-", 1)[0])
            except ValueError:
                pid = 0
            if pid and _process_alive(pid):
                continue
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                pass
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
