"""Liveness and readiness probes for the process supervisor and the load balancer."""
from __future__ import annotations

import os
import tempfile

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from ctportal.infra.jobs import huey
from ctportal.models import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is up and answering."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """The database, the file storage and the job queue can all be reached."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    finally:
        db.session.rollback()
    try:
        storage = current_app.config["STORAGE_DIR"]
        with tempfile.NamedTemporaryFile(dir=storage, prefix=".ready-"):
            pass
        checks["storage"] = "ok" if os.access(storage, os.W_OK) else "error: not writable"
    except OSError as exc:
        checks["storage"] = f"error: {exc.strerror}"
    try:
        huey.pending_count()
        checks["queue"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the queue is not ready
        checks["queue"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), (200 if ready else 503)
