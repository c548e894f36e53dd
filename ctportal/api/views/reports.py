"""Reports with their states, and their approved revisions (the frozen snapshot)."""
from __future__ import annotations

from flask_smorest import Blueprint  # type: ignore[import-untyped]  # flask_smorest ships no types

from ctportal.api import reads
from ctportal.api.auth import api_user, documented_errors, protect
from ctportal.api.schemas import ApprovedArgs, ApprovedRevisionSchema, ReportArgs, ReportSchema, page_of

blp = protect(Blueprint("api-reports", __name__, url_prefix="/api/v1",
                        description="Reports with their states, and their approved revisions."))


@blp.route("/reports")
@blp.etag
@blp.arguments(ReportArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(ReportSchema, "ReportPage"))
@documented_errors(blp)
def list_reports(page: int, per_page: int, **filters):
    """The reports you may see, filtered by round, party and state"""
    return reads.page_of_query(reads.reports_query(api_user(), **filters), page, per_page)


@blp.route("/reports/<int:report_id>")
@blp.etag
@blp.response(200, ReportSchema)
@documented_errors(blp, 404)
def get_report(report_id: int):
    """One report and its state"""
    return reads.report_or_404(api_user(), report_id)


@blp.route("/reports/<int:report_id>/approved-revision")
@blp.etag
@blp.response(200, ApprovedRevisionSchema)
@documented_errors(blp, 404)
def get_approved_revision(report_id: int):
    """The approved revision of a report, exactly as it was approved"""
    return reads.approved_revision_or_404(api_user(), report_id)


@blp.route("/approved-revisions")
@blp.etag
@blp.arguments(ApprovedArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(ApprovedRevisionSchema, "ApprovedRevisionPage"))
@documented_errors(blp)
def list_approved_revisions(page: int, per_page: int, **filters):
    """The approved revisions you may see, filtered by round and party"""
    return reads.page_of_query(reads.approved_revisions_query(api_user(), **filters), page, per_page)
