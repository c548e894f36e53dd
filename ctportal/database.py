"""Database engine set-up: SQLite pragmas for a safe single-file default."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from ctportal.models.base import db


def init_database(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, app)


def _configure_sqlite(engine: sa.Engine, app: Flask) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")        # readers never block the writer
        cursor.execute("PRAGMA busy_timeout=30000")      # wait for the lock instead of failing
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")      # safe with WAL
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        # IMMEDIATE takes the write lock at BEGIN: two writers queue on busy_timeout instead of
        # one failing with "database is locked" when it upgrades a read snapshot mid-transaction.
        # (The test process itself uses DEFERRED, so that a test reading the database never
        # holds the lock a live server it started is waiting for.)
        connection.exec_driver_sql(f"BEGIN {app.config['SQLITE_BEGIN']}")
