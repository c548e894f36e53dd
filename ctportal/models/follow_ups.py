"""A recommendation followed up: in a party's next report, one item per recommendation the
Commission addressed to it in the previous round (DESIGN.md, "Recommendation", "follow-up item")."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm as so

from ctportal.models.accounts import User
from ctportal.models.base import Model, enum_column
from ctportal.models.judgement import CommissionText
from ctportal.models.reports import Report


class FollowUpStatus(enum.Enum):
    implemented = "implemented"
    partly_implemented = "partly_implemented"
    not_implemented = "not_implemented"
    no_longer_relevant = "no_longer_relevant"

    @property
    def title(self) -> str:
        return {"implemented": gettext("Implemented"), "partly_implemented": gettext("Partly implemented"),
                "not_implemented": gettext("Not implemented"),
                "no_longer_relevant": gettext("No longer relevant")}[self.value]


class FollowUp(Model):
    """What a party did on one recommendation of the previous round, in its report of this round.

    The recommendation's number, words and action codes are copied when the item is made: they
    were published (a final edition carried them) and a closed round's texts never change, but a
    copy keeps the party's page and the snapshot readable without reaching into the Commission's
    rows, which the party may otherwise not read."""

    __tablename__ = "follow_up"
    __table_args__ = (sa.UniqueConstraint("report_id", "text_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    # The previous round's party assessment the recommendation belongs to.
    text_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("commission_text.id"), index=True)
    number: so.Mapped[int]
    recommendation: so.Mapped[str] = so.mapped_column(sa.Text)
    action_codes: so.Mapped[list[str]] = so.mapped_column(sa.JSON)
    status: so.Mapped[FollowUpStatus | None] = enum_column(FollowUpStatus, nullable=True)
    narrative: so.Mapped[str] = so.mapped_column(sa.Text, default="")   # sanitised Markdown
    updated_at: so.Mapped[dt.datetime | None]
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    # Optimistic locking, as an entry: a save made from an older page is refused, never an overwrite.
    version: so.Mapped[int] = so.mapped_column(default=1)

    report: so.Mapped[Report] = so.relationship()
    text: so.Mapped[CommissionText] = so.relationship()
    updated_by: so.Mapped[User | None] = so.relationship()

    __mapper_args__ = {"version_id_col": version}
