"""Database engine set-up: SQLite pragmas and transaction modes for a safe single-file default."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, TypeVar, cast
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import orm as so

# Named constraints let Alembic alter them later, on SQLite (batch mode) as on PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


F = TypeVar("F", bound=Callable)


def rows_changed(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed. Session.execute() is typed to return a Result;
    for these statements it is a CursorResult, which counts them."""
    return cast("sa.CursorResult[Any]", result).rowcount


def init_database(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, app)
        _remember_commits(engine)
        if app.config.get("CHECK_WRITES_ON_GET", app.testing):
            _refuse_unmarked_writes_on_get(engine)

            # Only while a request is being served: a test's own request context may write.
            @app.before_request
            def _serving() -> None:
                g.ctportal_serving = True

            @app.teardown_request
            def _served(_exc=None) -> None:
                g.pop("ctportal_serving", None)


_WRITES = ("INSERT", "UPDATE", "DELETE")


def _remember_commits(engine: sa.Engine) -> None:
    """Note in the request when a transaction that wrote was committed, so that an error after it never
    tells the user that nothing was changed (views/errors.py asks `committed_in_request`). The
    session's own "last seen" (write_allowed_on_get) is bookkeeping, not a change the user made."""
    @sa.event.listens_for(engine, "before_cursor_execute")
    def _wrote(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() in _WRITES and not (has_request_context()
                                                             and g.get("ctportal_write_allowed")):
            conn.info["ctportal_wrote"] = True

    @sa.event.listens_for(engine, "commit")
    def _committed(conn):
        if conn.info.pop("ctportal_wrote", False) and has_request_context():
            g.ctportal_committed = True

    @sa.event.listens_for(engine, "rollback")
    def _rolled_back(conn):
        conn.info.pop("ctportal_wrote", None)


def committed_in_request() -> bool:
    """Whether this request has already committed a change (a row written and kept)."""
    return bool(has_request_context() and g.get("ctportal_committed"))


def writes_on_get(view: F) -> F:
    """Mark a GET view that writes (a download's audit event): its transaction takes the write lock."""
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def _begin_mode(app: Flask) -> str:
    """How a SQLite transaction begins.

    Requests that change state (POST…), CLI commands and jobs begin IMMEDIATE: they take the
    write lock first, so concurrent writers queue on the busy timeout instead of one failing
    with "database is locked" when it upgrades a read snapshot mid-transaction. GET requests
    only read (WAL readers never wait), so they begin DEFERRED and never hold the lock — except
    views marked @writes_on_get. The test process itself begins DEFERRED (SQLITE_BEGIN), so a
    test reading the database never holds the lock a live server it started is waiting for.
    """
    mode = app.config["SQLITE_BEGIN"]
    if mode == "IMMEDIATE" and has_request_context() and request.method in ("GET", "HEAD"):
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "writes_on_get", False):
            return "DEFERRED"
    return mode


@contextmanager
def write_allowed_on_get():
    """A write a GET request makes on purpose, in its own short transaction begun by the write
    itself (so on SQLite it waits for the lock instead of failing): the session's "last seen"."""
    if not has_request_context():
        yield
        return
    previous = g.get("ctportal_write_allowed")
    g.ctportal_write_allowed = True
    try:
        yield
    finally:
        g.ctportal_write_allowed = previous


class UnmarkedWriteOnGet(RuntimeError):
    """A GET view wrote without @writes_on_get (raised in tests, so the suite finds them all)."""


def _refuse_unmarked_writes_on_get(engine: sa.Engine) -> None:
    """In tests: a GET view that writes must say so, or SQLite would run it in a read transaction
    that fails with "database is locked" when it turns into a write under load."""
    @sa.event.listens_for(engine, "before_cursor_execute")
    def _check(conn, cursor, statement, parameters, context, executemany):
        if not has_request_context() or request.method not in ("GET", "HEAD") \
                or not g.get("ctportal_serving") or g.get("ctportal_write_allowed"):
            return
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if verb not in ("INSERT", "UPDATE", "DELETE"):
            return
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and not getattr(view, "writes_on_get", False):
            raise UnmarkedWriteOnGet(f"GET {request.endpoint} writes ({verb}) but is not marked @writes_on_get")


def _configure_sqlite(engine: sa.Engine, app: Flask) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")        # readers never block the writer
        cursor.execute("PRAGMA busy_timeout=30000")      # wait for the lock instead of failing
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")      # safe with WAL
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(f"BEGIN {_begin_mode(app)}")
