"""Reporting rounds, per-party deadline extensions and partner priority actions."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm as so

from ctportal.models.base import Model, enum_column, utcnow
from ctportal.models.plan import Action, PlanVersion


class RoundState(enum.Enum):
    draft = "draft"     # being prepared by the secretariat; parties do not see it
    open = "open"       # parties report
    closed = "closed"   # read-only for everyone

    @property
    def title(self) -> str:
        return {"draft": gettext("Draft"), "open": gettext("Open"), "closed": gettext("Closed")}[self.value]


class Round(Model):
    __tablename__ = "reporting_round"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    plan_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plan_version.id"), index=True)
    period_start: so.Mapped[dt.date]
    period_end: so.Mapped[dt.date]
    submission_deadline: so.Mapped[dt.date]
    review_deadline: so.Mapped[dt.date]
    meeting_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    meeting_place: so.Mapped[str] = so.mapped_column(sa.String(100))
    meeting_date: so.Mapped[dt.date]
    document_number: so.Mapped[str] = so.mapped_column(sa.String(50))
    # The cover of the consolidated report ("" prints the Council's usual: see content.COVER_*).
    cover_from: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    subject_codes: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    state: so.Mapped[RoundState] = enum_column(RoundState, default=RoundState.draft)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    opened_at: so.Mapped[dt.datetime | None]
    closed_at: so.Mapped[dt.datetime | None]

    plan_version: so.Mapped[PlanVersion] = so.relationship()
    extensions: so.Mapped[list[DeadlineExtension]] = so.relationship(
        back_populates="round", order_by="DeadlineExtension.granted_at")


class DeadlineExtension(Model):
    __tablename__ = "deadline_extension"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_round.id"), index=True)
    party_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("party.id"), index=True)
    new_deadline: so.Mapped[dt.date]
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    granted_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    granted_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)

    round: so.Mapped[Round] = so.relationship(back_populates="extensions")


class PriorityAction(Model):
    """A partner-specific priority attached by the Commission to an action of the plan."""

    __tablename__ = "priority_action"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    party_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("party.id"), index=True)
    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), index=True)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    target_date: so.Mapped[dt.date | None]
    # The arrangement the priority comes from (issue 15, item 6): when and where it was agreed, and the
    # document that records it ("Joint Action Plan, bilateral arrangement signed on 9 October 2018").
    agreed_on: so.Mapped[dt.date | None]
    agreed_at: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    arrangement_reference: so.Mapped[str] = so.mapped_column(sa.String(300), default="", server_default="")
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[dt.datetime | None]
    retired_at: so.Mapped[dt.datetime | None]

    action: so.Mapped[Action] = so.relationship()
