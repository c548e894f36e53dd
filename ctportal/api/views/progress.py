"""The progress map's data: parties × actions of a round."""
from __future__ import annotations

from flask_smorest import Blueprint  # type: ignore[import-untyped]  # flask_smorest ships no types

from ctportal.api import reads
from ctportal.api.auth import api_user, documented_errors, protect
from ctportal.api.schemas import ProgressSchema

blp = protect(Blueprint("api-progress", __name__, url_prefix="/api/v1/rounds",
                        description="The progress map: each party's status per action of a round."))


@blp.route("/<int:round_id>/progress")
@blp.etag
@blp.response(200, ProgressSchema)
@documented_errors(blp, 403, 404)
def get_progress(round_id: int):
    """The progress map of a round, as your map page shows it"""
    return reads.progress(api_user(), round_id)
