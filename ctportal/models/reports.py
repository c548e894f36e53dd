"""Reports, their editable entries, frozen revisions and the reviewer's side of an entry."""
from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm as so

from ctportal.models.accounts import Party, User
from ctportal.models.base import Model, N_, enum_column, utcnow
from ctportal.models.plan import Action
from ctportal.models.rounds import PriorityAction, Round

if TYPE_CHECKING:
    from ctportal.models.figures import Figure


class ReportState(enum.Enum):
    draft = "draft"
    submitted = "submitted"
    changes_requested = "changes_requested"
    approved = "approved"

    @property
    def title(self) -> str:
        # Names on screen and in mail are in the reader's language (issue 17); outside a request (the
        # PDF jobs) gettext answers English, the report's language. One name translated per call (the
        # progress map asks hundreds of times), the others only marked for the catalogues.
        names = {"draft": N_("Draft"), "submitted": N_("Submitted"),
                 "changes_requested": N_("Changes requested"), "approved": N_("Approved")}
        return gettext(names[self.value])

    @property
    def css_class(self) -> str:
        return {"draft": "secondary", "submitted": "primary", "changes_requested": "warning",
                "approved": "success"}[self.value]


class EntryStatus(enum.Enum):
    not_started = "not_started"
    planned = "planned"
    in_progress = "in_progress"
    partially_achieved = "partially_achieved"
    achieved = "achieved"
    not_applicable = "not_applicable"

    @property
    def title(self) -> str:
        names = {"not_started": N_("Not started"), "planned": N_("Planned"),
                 "in_progress": N_("In progress"), "partially_achieved": N_("Partially achieved"),
                 "achieved": N_("Achieved"), "not_applicable": N_("Not applicable")}
        return gettext(names[self.value])

    @property
    def symbol(self) -> str:
        """A letter that reads without colour (maps, print)."""
        return {"not_started": "N", "planned": "P", "in_progress": "I", "partially_achieved": "H",
                "achieved": "A", "not_applicable": "–"}[self.value]


class Verdict(enum.Enum):
    accepted = "accepted"
    needs_revision = "needs_revision"

    @property
    def title(self) -> str:
        names = {"accepted": N_("Accepted"), "needs_revision": N_("Needs revision")}
        return gettext(names[self.value])


class Assessment(enum.Enum):
    """The Commission's assessment, on the scale of the EU enlargement reports (backsliding first)."""

    backsliding = "backsliding"
    no_progress = "no_progress"
    limited_progress = "limited_progress"
    some_progress = "some_progress"
    good_progress = "good_progress"
    very_good_progress = "very_good_progress"

    @property
    def title(self) -> str:
        # The scale's words as the Commission's enlargement reports print them in each language (docs/glossary.md).
        names = {"backsliding": N_("Backsliding"),
                 "no_progress": N_("No progress"), "limited_progress": N_("Limited progress"),
                 "some_progress": N_("Some progress"), "good_progress": N_("Good progress"),
                 "very_good_progress": N_("Very good progress")}
        return gettext(names[self.value])


class EntryKind(enum.Enum):
    action = "action"        # an action of the plan addressed to this party
    joint = "joint"          # this partner's contribution to a joint action
    priority = "priority"    # a partner-specific priority action


class Report(Model):
    __tablename__ = "report"
    __table_args__ = (sa.UniqueConstraint("round_id", "party_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reporting_round.id"), index=True)
    party_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("party.id"), index=True)
    state: so.Mapped[ReportState] = enum_column(ReportState, default=ReportState.draft)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    submitted_at: so.Mapped[dt.datetime | None]
    assigned_reviewer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    approved_revision_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("revision.id", use_alter=True))
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    approved_at: so.Mapped[dt.datetime | None]
    # The revision of an earlier round this draft was started from, if any.
    copied_from_revision_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("revision.id", use_alter=True))
    # Bumped by every state change, so an action taken on a stale page is refused.
    state_version: so.Mapped[int] = so.mapped_column(default=1)

    round: so.Mapped[Round] = so.relationship()
    party: so.Mapped[Party] = so.relationship()
    entries: so.Mapped[list[Entry]] = so.relationship(
        back_populates="report", order_by="Entry.position", cascade="all, delete-orphan")
    revisions: so.Mapped[list[Revision]] = so.relationship(
        back_populates="report", order_by="Revision.number",
        foreign_keys="Revision.report_id", cascade="all, delete-orphan")
    approved_revision: so.Mapped[Revision | None] = so.relationship(
        foreign_keys=[approved_revision_id], post_update=True)


class Entry(Model):
    """One action as a party reports on it, in the editable draft."""

    __tablename__ = "entry"
    __table_args__ = (
        sa.UniqueConstraint("report_id", "key"),
        sa.CheckConstraint("(priority_action_id IS NULL) = (kind <> 'priority')", name="priority_link"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), index=True)
    priority_action_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("priority_action.id"))
    kind: so.Mapped[EntryKind] = enum_column(EntryKind)
    # Stable across revisions and rounds: the action code, or "PA<id>" for a priority action.
    key: so.Mapped[str] = so.mapped_column(sa.String(40))
    position: so.Mapped[int]
    status: so.Mapped[EntryStatus | None] = enum_column(EntryStatus, nullable=True)
    na_justification: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    narrative: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")   # key progress, for the report
    challenges: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    eu_support_needed: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    next_steps: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    next_steps_timeline: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    responsible_institutions: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Why the status is lower than the one the Commission approved in the previous round (issue 18).
    lower_status_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    # Texts the party wrote in its own language beside the English (issue 17, item 4; domain/entry_fields
    # ORIGINAL_FIELDS): the language's code and {field name: text}. Migration 0020.
    original_language: so.Mapped[str] = so.mapped_column(sa.String(12), default="", server_default="")
    original_texts: so.Mapped[dict[str, str] | None] = so.mapped_column(sa.JSON, default=dict)
    # Set when the entry was copied from the last approved revision and nobody has edited it since.
    copied_from_previous: so.Mapped[bool] = so.mapped_column(default=False)
    updated_at: so.Mapped[dt.datetime | None]
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    # Optimistic locking: a save made from an older version is a conflict, never an overwrite.
    version: so.Mapped[int] = so.mapped_column(default=1)

    report: so.Mapped[Report] = so.relationship(back_populates="entries")
    action: so.Mapped[Action] = so.relationship()
    priority_action: so.Mapped[PriorityAction | None] = so.relationship()
    updated_by: so.Mapped[User | None] = so.relationship()
    measures: so.Mapped[list[Measure]] = so.relationship(
        order_by="Measure.position", cascade="all, delete-orphan")
    legal_acts: so.Mapped[list[LegalAct]] = so.relationship(
        order_by="LegalAct.position", cascade="all, delete-orphan")
    # The numbers given for the action's indicators (models/figures.py; services/reporting/figures.py).
    figures: so.Mapped[list[Figure]] = so.relationship(order_by="Figure.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class Measure(Model):
    __tablename__ = "measure"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("entry.id"), index=True)
    position: so.Mapped[int]
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    taken_on: so.Mapped[dt.date | None]


class LegalAct(Model):
    __tablename__ = "legal_act"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("entry.id"), index=True)
    position: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.Text)
    adopted_on: so.Mapped[dt.date | None]
    gazette_reference: so.Mapped[str] = so.mapped_column(sa.String(200), default="")


class Revision(Model):
    """A submission frozen whole: reviews, approvals, diffs and PDFs refer to these, never to drafts."""

    __tablename__ = "revision"
    __table_args__ = (sa.UniqueConstraint("report_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    number: so.Mapped[int]
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    submitted_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    # The whole report as submitted: entries, measures, legal acts, document references.
    snapshot: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    snapshot_sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    # The party's optional note to the Commission with this submission ("what we changed"); not
    # part of the snapshot: it speaks about the report, it is not in it.
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")

    report: so.Mapped[Report] = so.relationship(back_populates="revisions", foreign_keys=[report_id])
    submitted_by: so.Mapped[User] = so.relationship()


class EntryReview(Model):
    """The reviewer's side of an entry, on one revision; kept apart from what the party wrote."""

    __tablename__ = "entry_review"
    __table_args__ = (sa.UniqueConstraint("revision_id", "entry_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    revision_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("revision.id"), index=True)
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("entry.id"), index=True)
    entry_key: so.Mapped[str] = so.mapped_column(sa.String(40))
    verdict: so.Mapped[Verdict | None] = enum_column(Verdict, nullable=True)
    assessment: so.Mapped[Assessment | None] = enum_column(Assessment, nullable=True)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The key progress as the consolidated report prints it, when the reviewer edited the party's
    # summary ("" = the party's own). Not internal: the party sees it in its feedback.
    report_summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reviewer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class ReportEvent(Model):
    """One state transition of a report: who, when, from, to and why."""

    __tablename__ = "report_event"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(32))
    from_state: so.Mapped[ReportState] = enum_column(ReportState, check_name="from_state")
    to_state: so.Mapped[ReportState] = enum_column(ReportState, check_name="to_state")
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    revision_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("revision.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)

    actor: so.Mapped[User] = so.relationship()
