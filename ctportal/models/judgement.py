"""The Commission's own texts of a round: introduction, objective and party assessments with
numbered recommendations, conclusions (DESIGN.md, "Commission text", "Recommendation")."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm as so

from ctportal.models.accounts import Party, User
from ctportal.models.base import Model, N_, enum_column, utcnow
from ctportal.models.reports import Assessment
from ctportal.models.rounds import Round


class TextKind(enum.Enum):
    introduction = "introduction"
    objective = "objective"      # the overall assessment of one objective
    party = "party"              # the overall assessment of one party, with its recommendations
    conclusions = "conclusions"

    @property
    def title(self) -> str:
        names = {"introduction": N_("Introduction"), "objective": N_("Assessment of the objective"),
                 "party": N_("Assessment of the partner"), "conclusions": N_("Conclusions")}
        return gettext(names[self.value])


class TextState(enum.Enum):
    draft = "draft"
    approved = "approved"

    @property
    def title(self) -> str:
        # The report's words (entry and report states): the same msgids, the same translations.
        names = {"draft": N_("Draft"), "approved": N_("Approved")}
        return gettext(names[self.value])


class CommissionText(Model):
    """One text of a round, in one slot ("introduction", "objective-3", "party-AL", "conclusions").

    Internal to the Commission until a final edition carries it (policy.may_read_commission_text).
    Every save returns it to draft: what was approved is exactly what an edition prints."""

    __tablename__ = "commission_text"
    __table_args__ = (sa.UniqueConstraint("round_id", "slot"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_round.id"), index=True)
    slot: so.Mapped[str] = so.mapped_column(sa.String(40))
    kind: so.Mapped[TextKind] = enum_column(TextKind)
    objective_number: so.Mapped[int | None]
    party_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("party.id"), index=True)
    assessment: so.Mapped[Assessment | None] = enum_column(Assessment, nullable=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")   # sanitised Markdown (infra/markdown)
    state: so.Mapped[TextState] = enum_column(TextState, default=TextState.draft)
    written_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    written_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    approved_at: so.Mapped[dt.datetime | None]
    # Bumped by every save, so an approval made from an older page is refused.
    version: so.Mapped[int] = so.mapped_column(default=1)

    round: so.Mapped[Round] = so.relationship()
    party: so.Mapped[Party | None] = so.relationship()
    written_by: so.Mapped[User] = so.relationship(foreign_keys=[written_by_id])
    approved_by: so.Mapped[User | None] = so.relationship(foreign_keys=[approved_by_id])
    recommendations: so.Mapped[list[Recommendation]] = so.relationship(
        back_populates="text", order_by="Recommendation.number", cascade="all, delete-orphan")


class Recommendation(Model):
    """A numbered recommendation of a party's assessment, linked to one or more action codes."""

    __tablename__ = "recommendation"
    __table_args__ = (sa.UniqueConstraint("text_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    text_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("commission_text.id"), index=True)
    number: so.Mapped[int]
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    action_codes: so.Mapped[list[str]] = so.mapped_column(sa.JSON)

    text: so.Mapped[CommissionText] = so.relationship(back_populates="recommendations")


class CompiledReportText(Model):
    """The Commission texts an edition carries, as approved (the version printed)."""

    __tablename__ = "compiled_report_text"

    compiled_report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("compiled_report.id"), primary_key=True)
    text_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("commission_text.id"), primary_key=True)
    version: so.Mapped[int]
