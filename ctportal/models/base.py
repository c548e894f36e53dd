"""Declarative base, the constraint naming convention and shared column helpers."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
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


def utcnow() -> dt.datetime:
    """Timestamps are stored as naive UTC, the same on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def enum_column(enum_cls, *, check_name: str | None = None, **kw):
    """A string column holding an Enum's value, with a CHECK of the allowed values.

    Portable and readable in SQL dumps. `check_name` names the CHECK when a table has two
    columns of the same enum (constraint names must differ).
    """
    return so.mapped_column(
        sa.Enum(enum_cls, native_enum=False, length=32, validate_strings=True,
                values_callable=lambda e: [m.value for m in e],
                create_constraint=True, name=check_name or enum_cls.__name__.lower()),
        **kw,
    )
