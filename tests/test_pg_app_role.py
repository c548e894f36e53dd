"""PostgreSQL: the portal's own database role reads and writes rows and can do nothing else —
in particular it cannot empty, alter or unprotect the audit trail (ctportal/services/operations/db_roles.py)."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ctportal.models import AuditEvent, db
from ctportal.services import audit
from tests.conftest import _build_app


@pytest.fixture
def app_role(app, database_url):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("database roles are a PostgreSQL matter")
    role = f"ctportal_app_test_{os.getpid()}"
    db.session.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
    db.session.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
    db.session.commit()
    yield role
    db.session.rollback()
    db.session.execute(sa.text(f'DROP OWNED BY "{role}"'))
    db.session.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
    db.session.commit()


def test_the_portal_role_writes_rows_but_cannot_touch_the_audit_trail(app, users, database_url, app_role, tmp_path):
    result = app.test_cli_runner().invoke(args=["init-db", "--grant-to", app_role])
    assert result.exit_code == 0, result.output
    assert f"Role '{app_role}' may read and write rows" in result.output
    db.session.commit()
    url = make_url(database_url).set(username=app_role, password=None)
    as_role = _build_app(url.render_as_string(hide_password=False), tmp_path)
    with as_role.app_context():
        # The portal works: reads, writes rows (sequences included) and appends to the trail.
        event = audit.record("test.role_check", users.admin, actor=None)
        db.session.commit()
        assert db.session.get(AuditEvent, event.id) is not None
        db.session.execute(sa.text("UPDATE user_account SET name = name WHERE id = :id"), {"id": users.admin.id})
        db.session.commit()
        for attack in ("TRUNCATE audit_event",
                       "DROP TRIGGER audit_event_no_delete ON audit_event",
                       "ALTER TABLE audit_event DISABLE TRIGGER ALL",
                       "ALTER TABLE user_account ADD COLUMN backdoor text",
                       "DROP TABLE entry",
                       "UPDATE alembic_version SET version_num = '0001'"):
            with pytest.raises(DBAPIError) as refused:
                db.session.execute(sa.text(attack))
            db.session.rollback()
            assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value), attack
        # Row changes to the trail are refused by privilege (and by the migration's triggers behind it).
        for attack in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError, match="permission denied"):
                db.session.execute(sa.text(attack))
            db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_the_grant_refuses_the_owner_a_superuser_and_unknown_roles(app, database_url, app_role):
    owner = make_url(database_url).username or "postgres"
    db.session.execute(sa.text(f'ALTER ROLE "{app_role}" SUPERUSER'))
    db.session.commit()
    for role, message in ((owner, "owns the tables"), (app_role, "superuser"),
                          ("nobody_here_42", "There is no database role"), ("Bad-Name", "lower case")):
        result = app.test_cli_runner().invoke(args=["init-db", "--grant-to", role])
        assert result.exit_code == 1 and message in result.output, result.output
    db.session.execute(sa.text(f'ALTER ROLE "{app_role}" NOSUPERUSER'))
    db.session.commit()


def test_sqlite_has_no_roles_to_grant(app, database_url):
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("the SQLite answer")
    result = app.test_cli_runner().invoke(args=["init-db", "--grant-to", "ctportal_app"])
    assert result.exit_code == 1 and "SQLite has no roles" in result.output
