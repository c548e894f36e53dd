"""Fixtures: a fresh database per test, on SQLite (default) or PostgreSQL.

Set CTPORTAL_TEST_DATABASE_URL to a PostgreSQL URL to run the suite there (`.ci/run` does,
against a database it creates for the run). The schema is built once per run by the
migrations, exactly as in production; before each test every table is emptied and the
parties and the 2018 plan are loaded again.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

os.environ.setdefault("CTPORTAL_ENV", "testing")

from ctportal import create_app
from ctportal.models import db

from tests import a11y
from tests.helpers import AuthActions, make_users

TEST_DATABASE_URL = os.environ.get("CTPORTAL_TEST_DATABASE_URL", "")


def _memoise_url_builders() -> None:
    """Each test builds its own app, and Werkzeug compiles Python code for every URL rule's builder
    each time: two thirds of `create_app`, a quarter of a second per test. The code depends only on
    the rule's parsed parts and defaults, so the suite keeps one compiled function per rule shape and
    binds it to each new rule, as Werkzeug itself does. Tests only: the portal builds its app once."""
    from werkzeug.routing.rules import Rule

    compiled: dict = {}
    original = Rule._compile_builder

    def compile_builder(self, append_unknown: bool = True):
        defaults = tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        if key not in compiled:
            compiled[key] = original(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = compile_builder


_memoise_url_builders()


def _config(tmp_root: Path, url: str) -> dict:
    return {
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "DATABASE_URL": url,
        "STORAGE_DIR": str(tmp_root / "files"),
        "WTF_CSRF_ENABLED": False,
        "JOBS_MODE": "immediate",
        "MAIL_BACKEND": "console",
        "RATELIMIT_ENABLED": True,
        "SERVER_NAME": None,
        "PDF_PARALLEL_PARTS": 1,
        "SQLITE_BEGIN": "DEFERRED",
        # A beat from its own thread would race the test's deferred transactions on SQLite;
        # the heartbeat tests set their own interval.
        "JOB_HEARTBEAT_SECONDS": 3600,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A database with the migrated schema, shared by the run; tests empty it before use."""
    if TEST_DATABASE_URL:
        url = _database_for_this_worker(TEST_DATABASE_URL)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = create_app(_config(tmp_path_factory.mktemp("migrate"), url))
    with app.app_context():
        from flask_migrate import upgrade
        if TEST_DATABASE_URL:
            # A run starts from nothing: leftovers of an earlier run would hide a broken migration.
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        if TEST_DATABASE_URL:
            # The tests' commits need not wait for the disk (a crash of the server loses a test run,
            # nothing else); each commit waiting for fsync made the PostgreSQL run twice as long.
            with db.engine.connect() as conn:
                name = sa.engine.make_url(url).database
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    f'ALTER DATABASE "{name}" SET synchronous_commit TO off')
        db.engine.dispose()
    return url


def _database_for_this_worker(url: str) -> str:
    """With pytest-xdist (-n 2) each worker gets a database of its own, made from the given one's name."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = sa.engine.make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = sa.create_engine(parsed.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _empty_all_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # DELETE, not TRUNCATE: TRUNCATE gives each of the ~40 tables a new file, which costs the
            # run most of a second per test; for a test's few rows DELETE takes milliseconds. The
            # replica role skips the triggers for this transaction only: the foreign keys (so the
            # order does not matter) and audit_event's refusal to delete.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            conn.exec_driver_sql("; ".join(f'DELETE FROM "{t}"' for t in tables))
            sequences = conn.exec_driver_sql(
                "SELECT quote_ident(sequencename) FROM pg_sequences WHERE schemaname = current_schema()"
            ).scalars().all()
            if sequences:  # ids start at 1 again, as after a fresh migration
                conn.exec_driver_sql("SELECT " + ", ".join(f"setval('{s}', 1, false)" for s in sequences))
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            # audit_event refuses DELETE (migration 0002): lift that trigger for the emptying only,
            # and put back exactly the definition the migration made, in the same transaction.
            guard = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_event_no_delete'"
            ).scalar()
            if guard:
                conn.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
            for table in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM "{table}"'))
            if guard:
                conn.exec_driver_sql(guard)


class IsolatedClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as in production.

    The test's app context stays pushed (pytest-flask), so requests share it; without this,
    `g` — and Flask-Login's cached user in it — would carry over from one request to the next.
    The session is committed before each request and expired after it, so the request sees
    what the test wrote and the test reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        _clear_g()
        try:
            return super().open(*args, **kwargs)
        finally:
            _clear_g()
            db.session.expire_all()


def _clear_g() -> None:
    from flask import g
    for key in list(g):
        g.pop(key, None)


def _build_app(database_url: str, tmp_path: Path, extra: dict | None = None):
    config = _config(tmp_path, database_url)
    config.update(extra or {})
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change settings: `@pytest.fixture def app_config(): return {...}`."""
    return {}


@pytest.fixture
def bare_app(database_url, tmp_path, app_config):
    """An app with an empty schema and nothing loaded, inside an app context."""
    app = _build_app(database_url, tmp_path, app_config)
    with app.app_context():
        _empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(bare_app):
    """An app with the parties and the 2018 plan loaded, inside an app context."""
    from ctportal.domain.catalogue import load_catalogue
    from ctportal.services.operations.setup import ensure_parties

    ensure_parties()
    load_catalogue()
    db.session.commit()
    return bare_app


@pytest.fixture
def runner(bare_app):
    """Runs CLI commands (`runner.invoke(args=[...])`) against the test app."""
    return bare_app.test_cli_runner()


@pytest.fixture
def demo(runner, app, tmp_path_factory):
    """The seeded demo (`seed-demo` once per test process, put back for each test: tests/demo_world.py)."""
    from tests import demo_world
    demo_world.seeded(app, runner, tmp_path_factory.mktemp("demo"))


@pytest.fixture
def users(app):
    """One account per role and party (see tests/helpers.py); password helpers.PASSWORD."""
    return make_users()


@pytest.fixture
def auth(client, users):
    return AuthActions(client, users)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """argon2 with its production cost takes ~50 ms a hash; tests make hundreds of accounts."""
    from argon2 import PasswordHasher

    from ctportal.services.accounts import passwords

    saved = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords._DUMMY_HASH = passwords._hasher.hash("dummy")
    yield
    passwords._hasher, passwords._DUMMY_HASH = saved


# --- browser tests ---------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `make test` installs it (scripts/system-packages.sh test).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture
def live_url(app, live_server):
    """The test app served on a loopback port, in a forked process sharing the test database."""
    db.session.commit()
    db.engine.dispose()  # the forked server must not share pooled connections with the test
    app.config["SQLITE_BEGIN"] = "IMMEDIATE"  # the server behaves as in production...
    live_server.start()
    app.config["SQLITE_BEGIN"] = "DEFERRED"   # ...while this process only reads, never holding the lock
    return live_server.url().rstrip("/")


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    findings = a11y.attach(context)  # every page visited is checked against WCAG 2.1 A/AA
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    a11y.settle(page)
    context.close()
    assert findings.pages, "no page was checked for accessibility"
    assert not findings.violations, findings.report()


def pytest_collection_modifyitems(config, items):
    # Browser tests are slow: run them last, so a quick failure elsewhere shows first.
    items.sort(key=lambda item: bool(re.search(r"test_browser", item.nodeid)))
