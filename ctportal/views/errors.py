"""Error pages in the portal's layout; the same bytes for "missing" and "not yours"."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ctportal.api import api_of, is_api_request
from ctportal.models import db

log = logging.getLogger("ctportal.errors")

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, reload the page and try again."),
    403: ("Not allowed", "Your account does not allow this action."),
    404: ("Page not found", "There is no page at this address, or it is not available to your account."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "Someone else changed this in the meantime. Reload the page to see the current "
                      "version; nothing you saved before was lost."),
    413: ("File too large", "The file is larger than the portal accepts."),
    429: ("Too many attempts", "Too many attempts in a short time. Wait a few minutes and try again."),
    500: ("Something went wrong", "The portal could not complete your request. Nothing was changed. "
                                  "Please try again; if it happens again, tell the portal administrators."),
}


def error_page(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return error_page(400, "The form had expired or did not come from this portal. "
                               "Go back, reload the page and send it again.")

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.config["MAX_UPLOAD_MB"]
        return error_page(413, f"The file is larger than the portal accepts ({limit} MB at most). "
                               "Nothing was uploaded.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if is_api_request(request.path):
            # JSON for API clients; the body names the status only (a 404 never says why).
            return api_of(app).handle_http_exception(exc)
        if exc.code in MESSAGES:
            # 404 pages deliberately ignore exc.description: a refused object must look missing.
            return error_page(exc.code)
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        if app.testing and not app.config.get("TEST_ERROR_PAGES"):
            raise exc  # tests see the real traceback, unless they test the error page itself
        log.exception("unhandled error on %s %s", request.method, request.path)
        if is_api_request(request.path):
            return {"code": 500, "status": "Internal Server Error"}, 500
        return error_page(500)
