"""Shared column helpers of the models; the declarative base and `db` live in infra/database.py."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.infra.database import Base, db

def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for a marker, known to pybabel
    """Marks a name for the translation catalogues; the enums' `title` translates the one asked for."""
    return message


# Every model subclasses `Model`. Flask-SQLAlchemy makes db.Model at run time from Base; the type
# checker cannot follow that, so to it `Model` is Base itself (the same columns and constructor).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

# The largest value of PostgreSQL's `integer`, every primary key's type: an id beyond it (or below 1)
# names nothing, wherever it arrives (a URL: web/ids.py; a form or query string: forms.IdField).
MAX_ID = 2**31 - 1


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
