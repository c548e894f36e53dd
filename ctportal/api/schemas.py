"""What the API's answers look like (marshmallow): the OpenAPI document is generated from these."""
from __future__ import annotations

import datetime as dt

import marshmallow as ma
from marshmallow import fields, validate

from ctportal.models import ActorGroup, CompileState, ReportState, RoundState
from ctportal.web.ids import MAX_ID

MAX_PER_PAGE = 100


def IdFilter(description: str) -> fields.Integer:  # noqa: N802 - reads as a field class, like the others
    """An id in a query string: bounded like the ids in paths (web/ids.py), so that PostgreSQL is
    never asked about an integer it cannot hold (that was a 500)."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), metadata={"description": description})


class UtcDateTime(fields.DateTime):
    """Times are stored as naive UTC (models/base.py); the API says so (RFC 3339 needs the offset)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class StrictSchema(ma.Schema):
    class Meta:
        ordered = True


# --- query arguments ------------------------------------------------------------------------------

class PageArgs(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000),
                          metadata={"description": "Page number, from 1."})
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"Items per page, 1 to {MAX_PER_PAGE}."})


class RoundArgs(PageArgs):
    state = fields.String(validate=validate.OneOf([s.value for s in RoundState]),
                          metadata={"description": "Only rounds in this state."})


class ReportArgs(PageArgs):
    round = IdFilter("Only reports of this round (id).")
    party = fields.String(validate=validate.Length(min=1, max=8),
                          metadata={"description": "Only reports of this party (code, e.g. AL)."})
    state = fields.String(validate=validate.OneOf([s.value for s in ReportState]),
                          metadata={"description": "Only reports in this state."})


class ApprovedArgs(PageArgs):
    round = IdFilter("Only revisions of this round (id).")
    party = fields.String(validate=validate.Length(min=1, max=8),
                          metadata={"description": "Only revisions of this party (code, e.g. AL)."})


def page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The envelope of one page of `item`s: the items and where the page stands."""
    return ma.Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True, metadata={"description": "Items on all pages."}),
        "pages": fields.Integer(required=True),
    }, name=name)


# --- the plan catalogue ----------------------------------------------------------------------------

class FootnoteRefSchema(StrictSchema):
    number = fields.Integer(required=True, attribute="footnote.number")
    anchor = fields.String(required=True, metadata={"description": "The words the call follows; empty: at the end."})


class ActionSchema(StrictSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    actor_group = fields.Enum(ActorGroup, by_value=True, required=True)
    text = fields.String(required=True)
    footnotes = fields.List(fields.Nested(FootnoteRefSchema), required=True, attribute="footnote_refs")


class LeadInSchema(StrictSchema):
    actor_group = fields.Enum(ActorGroup, by_value=True, required=True)
    text = fields.String(required=True)


class ObjectiveSchema(StrictSchema):
    number = fields.Integer(required=True)
    title = fields.String(required=True)
    lead_ins = fields.List(fields.Nested(LeadInSchema), required=True)
    actions = fields.List(fields.Nested(ActionSchema), required=True)


class FootnoteSchema(StrictSchema):
    number = fields.Integer(required=True)
    text = fields.String(required=True)
    context = fields.String(required=True)


class PlanSummarySchema(StrictSchema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    document = fields.String(required=True)
    adopted_on = fields.Date(required=True, allow_none=True)
    source_sha256 = fields.String(required=True)


class PlanSchema(PlanSummarySchema):
    objectives = fields.List(fields.Nested(ObjectiveSchema), required=True)
    footnotes = fields.List(fields.Nested(FootnoteSchema), required=True)


# --- rounds, reports, revisions --------------------------------------------------------------------

class RoundSchema(StrictSchema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    state = fields.Enum(RoundState, by_value=True, required=True)
    plan = fields.String(required=True, attribute="plan_version.code")
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    submission_deadline = fields.Date(required=True)
    review_deadline = fields.Date(required=True)
    meeting_name = fields.String(required=True)
    meeting_place = fields.String(required=True)
    meeting_date = fields.Date(required=True)
    document_number = fields.String(required=True)


class ReportSchema(StrictSchema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    party = fields.String(required=True, attribute="party.code")
    party_name = fields.Function(lambda r: str(r.party), required=True, metadata={"type": "string"})
    state = fields.Enum(ReportState, by_value=True, required=True)
    submitted_at = UtcDateTime(required=True, allow_none=True)
    approved_at = UtcDateTime(required=True, allow_none=True)
    approved_revision = fields.Integer(required=True, allow_none=True, attribute="approved_revision.number",
                                       metadata={"description": "Number of the approved revision, if any."})


class ApprovedRevisionSchema(StrictSchema):
    report_id = fields.Integer(required=True)
    round_id = fields.Integer(required=True, attribute="report.round_id")
    party = fields.String(required=True, attribute="report.party.code")
    number = fields.Integer(required=True)
    submitted_at = UtcDateTime(required=True, attribute="created_at")
    approved_at = UtcDateTime(required=True, allow_none=True, attribute="report.approved_at")
    snapshot_sha256 = fields.String(required=True)
    snapshot = fields.Dict(required=True, metadata={
        "description": "The report exactly as submitted and approved (format 1: report, entries, documents)."})


# --- the progress map -----------------------------------------------------------------------------

class ProgressPartySchema(StrictSchema):
    party = fields.String(required=True)
    party_name = fields.String(required=True)
    report_id = fields.Integer(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["approved", "submitted", "draft", "count_only"]),
                           metadata={"description": "Where the statuses come from; count_only: none are shown."})
    revision = fields.Integer(required=True, allow_none=True)
    answered = fields.Integer(required=True)
    total = fields.Integer(required=True)
    statuses = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True,
                           metadata={"description": "Entry key (action code, or PA<id>) -> status."})


class ProgressSchema(StrictSchema):
    round_id = fields.Integer(required=True)
    parties = fields.List(fields.Nested(ProgressPartySchema), required=True)


# --- editions of the consolidated report ----------------------------------------------------------

class RevisionRefSchema(StrictSchema):
    report_id = fields.Integer(required=True)
    number = fields.Integer(required=True)


class EditionSchema(StrictSchema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    state = fields.Enum(CompileState, by_value=True, required=True)
    requested_at = UtcDateTime(required=True)
    finished_at = UtcDateTime(required=True, allow_none=True)
    sha256 = fields.String(required=True, allow_none=True)
    size = fields.Integer(required=True, allow_none=True)
    page_count = fields.Integer(required=True, allow_none=True)
    superseded_at = UtcDateTime(required=True, allow_none=True)
    superseded_reason = fields.String(required=True)
    revisions = fields.List(fields.Nested(RevisionRefSchema), required=True,
                            metadata={"description": "The exact revisions the edition contains."})
    file = fields.Function(lambda e: e.state == CompileState.done and bool(e.stored_name), required=True,
                           metadata={"type": "boolean", "description": "True when the PDF can be downloaded."})
