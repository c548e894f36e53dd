"""Figures per action (issue 18, item 4): the indicators an action is measured by, and a party's numbers.

An `Indicator` comes from the plan catalogue (`round_id` NULL: every round on that plan version) or
is added by the Commission to one round (`round_id` set). A `Figure` is one category of one
indicator in one entry of a draft: its baseline, target and actual value. What is submitted is
frozen in the revision's snapshot (services/reporting/revisions.py), as for measures.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import Model, utcnow
from ctportal.models.plan import Action

NUMBER = sa.Numeric(16, 2)


class Indicator(Model):
    __tablename__ = "indicator"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plan_version.id"), index=True)
    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), index=True)
    # NULL: defined in the catalogue; else the round the Commission added it to.
    round_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("reporting_round.id"), index=True)
    # Stable across rounds and parties: figures are carried forward and summed by it.
    key: so.Mapped[str] = so.mapped_column(sa.String(60))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    unit: so.Mapped[str] = so.mapped_column(sa.String(20))             # domain/indicators.UNITS
    disaggregation: so.Mapped[str] = so.mapped_column(sa.String(10), default="")  # "", "age", "sex"
    position: so.Mapped[int] = so.mapped_column(default=1)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)

    action: so.Mapped[Action] = so.relationship()


class Figure(Model):
    __tablename__ = "entry_figure"
    __table_args__ = (sa.UniqueConstraint("entry_id", "indicator_id", "category"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("entry.id"), index=True)
    indicator_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("indicator.id"), index=True)
    category: so.Mapped[str] = so.mapped_column(sa.String(20))       # "total", "adults", "women", ...
    baseline: so.Mapped[Decimal | None] = so.mapped_column(NUMBER)
    target: so.Mapped[Decimal | None] = so.mapped_column(NUMBER)
    actual: so.Mapped[Decimal | None] = so.mapped_column(NUMBER)
