"""The browsable reference of the API: Swagger UI, served from this origin (no CDN).

The Swagger UI files come from the flask-swagger-ui package (its dist/ folder); its own
blueprint is not used because its page starts Swagger UI with an inline script, which the
portal's Content-Security-Policy forbids. static/js/api-reference.js starts it instead.
"""
from __future__ import annotations

from pathlib import Path

import flask_swagger_ui  # type: ignore[import-untyped]  # ships no types
from flask import Blueprint, abort, render_template, send_from_directory, url_for

from ctportal.api import PREFIX

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}

bp = Blueprint("api_reference", __name__, url_prefix=PREFIX)


@bp.get("/reference")
def page():
    return render_template("api/reference.html", spec_url=url_for("api-docs.openapi_json"))


@bp.get("/reference/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_UI_DIST, name, max_age=3600)
