"""The database role the portal runs as, on PostgreSQL: it reads and writes rows, nothing more.

Migrations run as the role that owns the tables (the release step, `flask init-db`); the web
and job processes connect as another role granted only what they need. Ownership is what lets
a role drop the audit trail's append-only triggers, TRUNCATE it or alter a table; the portal's
own role has none of that, and on audit_event it may only read and insert.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from ctportal.models import db

APPEND_ONLY = ("audit_event",)
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleError(ValueError):
    """The grant cannot be made; the message says why."""


def grant_app_role(role: str) -> list[str]:
    """Grant `role` row access to every table of the schema (re-run after every migration, as
    `init-db --grant-to` does); returns the statements run."""
    if db.engine.dialect.name != "postgresql":
        raise RoleError("A separate database role is for PostgreSQL; SQLite has no roles.")
    if not _ROLE.match(role):
        raise RoleError("Give the role's name in lower case letters, digits and _.")
    row = db.session.execute(sa.text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"),
                             {"r": role}).first()
    if row is None:
        raise RoleError(f"There is no database role {role!r}: create it first (CREATE ROLE {role} LOGIN …).")
    owner = db.session.scalar(sa.text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event'"))
    if owner == role:
        raise RoleError(f"{role!r} owns the tables: the portal's role must be another one.")
    if row.rolsuper or row.rolbypassrls:
        raise RoleError(f"{role!r} is a superuser: no grant can limit it. Use an ordinary role.")
    quoted = '"' + role + '"'
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}",
        *(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {quoted}" for table in APPEND_ONLY),
    ]
    for statement in statements:
        db.session.execute(sa.text(statement))
    return statements
