"""The JSON API, /api/v1: read-only, personal bearer tokens, described by OpenAPI 3.1.

The document is generated from the code by flask-smorest (apispec + marshmallow): the routes
and schemas in ctportal/api/views and ctportal/api/schemas are its only source. Access is the
pages' access: ctportal/api/reads.py asks ctportal.policy with the token's owner as the user.
"""
from __future__ import annotations

import marshmallow as ma
from flask import Flask
from flask_smorest import Api, Blueprint  # type: ignore[import-untyped]  # flask_smorest ships no types
from webargs.flaskparser import FlaskParser

PREFIX = "/api/v1"


class StrictQueryParser(FlaskParser):
    """An unknown query parameter is an error (422 naming it), as the document says
    (additionalProperties: false), not silently ignored: a misspelt filter (`?stat=open`) would
    otherwise return everything unfiltered."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": ma.RAISE,
                                   "querystring": ma.RAISE}


# flask-smorest builds every Blueprint's arguments with this parser; only the API uses flask-smorest.
Blueprint.ARGUMENTS_PARSER = StrictQueryParser()


class PortalApi(Api):
    """flask-smorest's Api, without its app-wide JSON error handler: the portal's pages keep their
    HTML error pages, and views/errors.py hands errors on API paths to handle_http_exception."""

    def _register_error_handlers(self) -> None:
        pass


def is_api_request(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def init_api(app: Flask) -> None:
    from ctportal.api.views import BLUEPRINT_MODULES, reference
    from ctportal.infra.database import writes_on_get

    app.config.update({
        "API_TITLE": "ctportal API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": PREFIX,
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {"description": (
                "Read-only access to the reporting portal of the Joint Action Plan on Counter-Terrorism "
                "for the Western Balkans. Authenticate with a personal API token (account page, or "
                "`flask create-token`) sent as `Authorization: Bearer <token>`. A token acts with exactly "
                "its owner's rights: an object you may not see answers 404, like one that does not exist.")},
            "security": [{"bearerToken": []}],
        },
    })
    api = PortalApi(app)
    api.spec.components.security_scheme("bearerToken", {"type": "http", "scheme": "bearer",
                                                        "description": "A personal API token (ctp_...)."})
    for module in BLUEPRINT_MODULES:
        api.register_blueprint(module.blp)
        # Every API request writes its audit event (see auth.py): on SQLite its transaction takes
        # the write lock from the start, like any other GET that writes.
        for endpoint, view in app.view_functions.items():
            if endpoint.startswith(module.blp.name + "."):
                writes_on_get(view)
    app.register_blueprint(reference.bp)


def api_of(app: Flask) -> PortalApi:
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
