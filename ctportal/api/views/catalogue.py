"""The plan catalogue: versions of the Joint Action Plan with objectives, actions and footnotes."""
from __future__ import annotations

from flask_smorest import Blueprint  # type: ignore[import-untyped]  # flask_smorest ships no types

from ctportal.api import reads
from ctportal.api.auth import api_user, documented_errors, protect
from ctportal.api.schemas import PlanSchema, PlanSummarySchema

blp = protect(Blueprint("api-plans", __name__, url_prefix="/api/v1/plans",
                        description="The plan catalogue: versions, objectives, actions, footnotes."))


@blp.route("")
@blp.etag
@blp.response(200, PlanSummarySchema(many=True))
@documented_errors(blp)
def list_plans():
    """Every version of the plan"""
    return reads.plan_versions(api_user())


@blp.route("/<string:code>")
@blp.etag
@blp.response(200, PlanSchema)
@documented_errors(blp, 404)
def get_plan(code: str):
    """One version of the plan, whole"""
    return reads.plan_version_or_404(api_user(), code)
