"""The plan catalogue: versions, objectives, lead-ins, actions, footnotes, follow-up."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.models.base import Model, enum_column, utcnow


class ActorGroup(enum.Enum):
    """Who an action of the plan is addressed to."""

    partner = "partner"      # each Western Balkans partner
    joint = "joint"          # the Western Balkans partners jointly
    eu = "eu"                # the EU (Commission)
    europol = "europol"
    eurojust = "eurojust"

    @property
    def title(self) -> str:
        return {
            "partner": "Each Western Balkans partner",
            "joint": "Western Balkans partners jointly",
            "eu": "The EU",
            "europol": "Europol",
            "eurojust": "Eurojust",
        }[self.value]

    @property
    def code_letter(self) -> str:
        return {"partner": "P", "joint": "J", "eu": "EU", "europol": "EP", "eurojust": "EJ"}[self.value]


class PlanVersion(Model):
    __tablename__ = "plan_version"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    document: so.Mapped[str] = so.mapped_column(sa.String(100))
    adopted_on: so.Mapped[dt.date | None]
    follow_up_intro: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    follow_up_closing: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    source_sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    loaded_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)

    objectives: so.Mapped[list[Objective]] = so.relationship(
        back_populates="plan_version", order_by="Objective.number", cascade="all, delete-orphan")
    footnotes: so.Mapped[list[Footnote]] = so.relationship(
        back_populates="plan_version", order_by="Footnote.number", cascade="all, delete-orphan")
    follow_up_processes: so.Mapped[list[FollowUpProcess]] = so.relationship(
        order_by="FollowUpProcess.position", cascade="all, delete-orphan")


class Objective(Model):
    __tablename__ = "objective"
    __table_args__ = (sa.UniqueConstraint("plan_version_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plan_version.id"), index=True)
    number: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.Text)

    plan_version: so.Mapped[PlanVersion] = so.relationship(back_populates="objectives")
    lead_ins: so.Mapped[list[LeadIn]] = so.relationship(
        back_populates="objective", order_by="LeadIn.position", cascade="all, delete-orphan")
    actions: so.Mapped[list[Action]] = so.relationship(
        back_populates="objective", order_by="Action.position", cascade="all, delete-orphan")
    footnote_refs: so.Mapped[list[FootnoteRef]] = so.relationship(
        primaryjoin="FootnoteRef.objective_id == Objective.id", cascade="all, delete-orphan")


class LeadIn(Model):
    """The sentence that introduces a group of actions ("Each Western Balkans partner should seek to:")."""

    __tablename__ = "lead_in"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    objective_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("objective.id"), index=True)
    actor_group: so.Mapped[ActorGroup] = enum_column(ActorGroup)
    position: so.Mapped[int]
    text: so.Mapped[str] = so.mapped_column(sa.Text)

    objective: so.Mapped[Objective] = so.relationship(back_populates="lead_ins")
    footnote_refs: so.Mapped[list[FootnoteRef]] = so.relationship(
        primaryjoin="FootnoteRef.lead_in_id == LeadIn.id", cascade="all, delete-orphan")


class Action(Model):
    __tablename__ = "action"
    __table_args__ = (sa.UniqueConstraint("plan_version_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plan_version.id"), index=True)
    objective_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("objective.id"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(16))
    actor_group: so.Mapped[ActorGroup] = enum_column(ActorGroup)
    position: so.Mapped[int]
    text: so.Mapped[str] = so.mapped_column(sa.Text)

    objective: so.Mapped[Objective] = so.relationship(back_populates="actions")
    footnote_refs: so.Mapped[list[FootnoteRef]] = so.relationship(
        primaryjoin="FootnoteRef.action_id == Action.id", cascade="all, delete-orphan",
        order_by="FootnoteRef.position")


class Footnote(Model):
    __tablename__ = "footnote"
    __table_args__ = (sa.UniqueConstraint("plan_version_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plan_version.id"), index=True)
    number: so.Mapped[int]
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    # For footnotes called outside actions and lead-ins (the preamble): where they stand.
    context: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    plan_version: so.Mapped[PlanVersion] = so.relationship(back_populates="footnotes")


class FootnoteRef(Model):
    """Where a footnote is called: after `anchor` in an action, a lead-in or an objective's title."""

    __tablename__ = "footnote_ref"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN action_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN lead_in_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN objective_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_anchor"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    footnote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("footnote.id"), index=True)
    action_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("action.id"), index=True)
    lead_in_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("lead_in.id"), index=True)
    objective_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("objective.id"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    # The words the footnote number follows in the text; "" means at the end.
    anchor: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    footnote: so.Mapped[Footnote] = so.relationship()


class FollowUpProcess(Model):
    """The plan's "Achieving and Mapping Progress" processes."""

    __tablename__ = "follow_up_process"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plan_version.id"), index=True)
    position: so.Mapped[int]
    text: so.Mapped[str] = so.mapped_column(sa.Text)
