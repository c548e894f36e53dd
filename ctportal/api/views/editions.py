"""Editions of the consolidated report: metadata with SHA-256, and their PDF files."""
from __future__ import annotations

from flask import abort, send_file
from flask_smorest import Blueprint  # type: ignore[import-untyped]  # flask_smorest ships no types

from ctportal.api import reads
from ctportal.api.auth import api_user, documented_errors, protect
from ctportal.api.schemas import EditionSchema
from ctportal.infra import storage
from ctportal.services.editions import editions as edition_service

blp = protect(Blueprint("api-editions", __name__, url_prefix="/api/v1/rounds",
                        description="Editions of the consolidated progress report."))


@blp.route("/<int:round_id>/editions")
@blp.etag
@blp.response(200, EditionSchema(many=True))
@documented_errors(blp, 404)
def list_editions(round_id: int):
    """Every edition of a round's consolidated report, newest first"""
    return reads.editions(api_user(), round_id)


@blp.route("/<int:round_id>/editions/<int:edition_id>/file")
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf",
              description="The edition's PDF; its SHA-256 is in the edition's metadata.")
@documented_errors(blp, 404)
def get_edition_file(round_id: int, edition_id: int):
    """The PDF of a finished edition"""
    edition = reads.edition_file_or_404(api_user(), round_id, edition_id)
    assert edition.stored_name is not None  # edition_file_or_404 answers only editions with a file
    path = storage.path_for("compiled", edition.stored_name)
    if not path.exists():
        abort(404)
    edition_service.record_download(edition, api_user())
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"edition-{edition.id}.pdf", max_age=0)
