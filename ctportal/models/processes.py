"""The follow-up processes the plan names ("Achieving and Mapping Progress", issue 15 item 5), as the
Commission records them: dialogues and visits, peer-review missions, meetings of the Regional Network
of P/CVE coordinators and of the WBCTi, each with its date, place, participants, the parties it
concerned, a report document, and the actions and recommendations it followed up.

What a party may read of a record is policy's question (policy.process_permissions and
services/review/processes.party_view): never the participants, the internal notes or another party."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm as so

from ctportal.models.accounts import Party, User
from ctportal.models.base import Model, N_, enum_column, utcnow
from ctportal.models.rounds import Round


class ProcessKind(enum.Enum):
    dialogue = "dialogue"                    # a regular exchange, dialogue or visit
    peer_review = "peer_review"              # a peer-review mission
    regional_network = "regional_network"    # a meeting of the Regional Network of P/CVE coordinators
    wbcti = "wbcti"                          # a meeting in the WBCTi framework

    @property
    def title(self) -> str:
        return gettext(_KIND_NAMES[self.value])

    @property
    def english(self) -> str:
        """The name the consolidated report prints (its documents are in English)."""
        return _KIND_NAMES[self.value]


_KIND_NAMES = {"dialogue": N_("Dialogue or visit"), "peer_review": N_("Peer-review mission"),
               "regional_network": N_("Regional Network of P/CVE coordinators meeting"),
               "wbcti": N_("WBCTi meeting")}


process_record_party = sa.Table(
    "process_record_party", Model.metadata,
    sa.Column("process_id", sa.ForeignKey("process_record.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("party_id", sa.ForeignKey("party.id"), primary_key=True, index=True),
)

class ProcessRecord(Model):
    """One dialogue, visit, mission or meeting of a round, recorded by a reviewer or the secretariat."""

    __tablename__ = "process_record"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_round.id"), index=True)
    kind: so.Mapped[ProcessKind] = enum_column(ProcessKind)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    held_on: so.Mapped[dt.date]
    ends_on: so.Mapped[dt.date | None]                 # a mission over several days
    place: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Who took part (names, institutions): Commission-only, like the internal notes.
    participants: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The outcome, as the parties concerned read it and the consolidated report's annex prints it.
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")      # sanitised Markdown
    internal_notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # Commission-only
    action_codes: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    # The recommendations it followed up, as [text id, number] pairs: a text's recommendations are
    # written anew at each save of it, so a pair names "recommendation 2 of Serbia's assessment".
    recommendations: so.Mapped[list[list[int]]] = so.mapped_column(sa.JSON, default=list)
    # The report document (checked by content as every upload), kept on the record itself.
    report_name: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    report_stored: so.Mapped[str | None] = so.mapped_column(sa.String(100), unique=True)
    report_type: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    report_size: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    report_sha256: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    # Whether the parties concerned may download the report document (off: Commission-only).
    report_shared: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    recorded_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    updated_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    round: so.Mapped[Round] = so.relationship()
    parties: so.Mapped[list[Party]] = so.relationship(secondary=process_record_party,
                                                      order_by="Party.sort_order, Party.id")
    recorded_by: so.Mapped[User] = so.relationship(foreign_keys=[recorded_by_id])
    updated_by: so.Mapped[User] = so.relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}
