"""Reporting rounds."""
from __future__ import annotations

from flask_smorest import Blueprint  # type: ignore[import-untyped]  # flask_smorest ships no types

from ctportal.api import reads
from ctportal.api.auth import api_user, documented_errors, protect
from ctportal.api.schemas import RoundArgs, RoundSchema, page_of

blp = protect(Blueprint("api-rounds", __name__, url_prefix="/api/v1/rounds", description="Reporting rounds."))


@blp.route("")
@blp.etag
@blp.arguments(RoundArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(RoundSchema, "RoundPage"))
@documented_errors(blp)
def list_rounds(page: int, per_page: int, state: str | None = None):
    """The rounds you may see, newest first"""
    return reads.page_of_list(reads.rounds(api_user(), state), page, per_page)


@blp.route("/<int:round_id>")
@blp.etag
@blp.response(200, RoundSchema)
@documented_errors(blp, 404)
def get_round(round_id: int):
    """One round"""
    return reads.round_or_404(api_user(), round_id)
