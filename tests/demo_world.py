"""The seeded demo, made once per test process and put back for each test that reads it.

`seed-demo` renders and seals two editions and six fact-check slices of the demo's closed round:
about twenty seconds, which the twenty-odd tests that read the demo paid each. The first such test
in a process seeds it through the real command; its rows (every table, read with SQLAlchemy Core)
and its stored files are kept, and each later test gets them back into its own emptied database and
its own storage folder — the same state, ids included, in about a second. Tests that test the seeding
itself (idempotence, the fingerprint with a fixed date, production refusing it) still run the command.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ctportal.models import db

_kept: dict[str, tuple[dict[str, list[dict[str, Any]]], Path]] = {}


def seeded(app, runner, keep_in: Path) -> None:
    """The demo in the app's database and storage: seeded by `seed-demo` the first time in this
    process (for this database), put back from what was kept every time after."""
    url = app.config["DATABASE_URL"]
    storage = Path(app.config["STORAGE_DIR"])
    if url in _kept:
        rows, files = _kept[url]
        _restore(rows)
        shutil.rmtree(storage, ignore_errors=True)
        shutil.copytree(files, storage)
        db.session.expire_all()
        return
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.commit()
    with db.engine.connect() as conn:
        rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in db.metadata.sorted_tables}
    files = keep_in / "demo-files"
    shutil.copytree(storage, files)
    _kept[url] = (rows, files)
    db.session.expire_all()


def _restore(rows: dict[str, list[dict[str, Any]]]) -> None:
    from tests.conftest import _empty_all_tables

    db.session.rollback()
    _empty_all_tables()
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # the foreign keys' triggers off for this transaction: tables in any order
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
        if postgres:  # the next id after the kept ones, as after the seeding
            for table in db.metadata.sorted_tables:
                if "id" in table.c and rows[table.name]:
                    conn.execute(sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n)"),
                                 {"t": f'"{table.name}"', "n": max(r["id"] for r in rows[table.name])})
