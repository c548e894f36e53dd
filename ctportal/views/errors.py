"""Error pages in the portal's layout (the same bytes for "missing" and "not yours"), and the one
way views answer a refused operation (a DomainError from a service):

* `refused_to(url)` around a service call with no form to show again: roll back, flash the
  message, redirect to `url` (the page the user acted on) — except a refused access (403), which
  goes on to the handler;
* `on_form(form, exc, default_field)`: roll back, the message goes under the field it concerns
  (`exc.field`, else the default), and the view shows the form again;
* anything else reaches the registered handler: roll back, and the error page with the error's
  status (a 403 exactly like every other 403; a 409 or 422 shows the message).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from collections.abc import Iterator

from flask import Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ctportal.api import api_of, is_api_request
from ctportal.domain.errors import DomainError
from ctportal.models import db

log = logging.getLogger("ctportal.errors")

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back, reload the page and try again.")),
    403: (_l("Not allowed"), _l("Your account does not allow this action.")),
    404: (_l("Page not found"), _l("There is no page at this address, or it is not available to your account.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this in the meantime. Reload the page to see the current "
                      "version; nothing you saved before was lost.")),
    413: (_l("File too large"), _l("The file is larger than the portal accepts.")),
    422: (_l("Not saved"), _l("The request could not be completed as sent. Go back, correct it and try again.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("The portal could not complete your request. Nothing was changed. "
                                  "Please try again; if it happens again, tell the portal administrators.")),
    503: (_l("Not available"), _l("The portal cannot do this right now. Nothing was changed; please try again later.")),
}


def error_page(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=str(title), message=detail or str(message),
                           language_next=url_for("main.index")), code


@contextmanager
def refused_to(back: str) -> Iterator[None]:
    try:
        yield
    except DomainError as exc:
        if exc.status in (403, 404):
            raise  # a refused access is answered like every other one (the registered handler), never flashed
        db.session.rollback()
        flash(exc.message, "error")
        abort(redirect(back))


def on_form(form: FlaskForm, exc: DomainError, default_field: str) -> None:
    db.session.rollback()
    name = exc.field if exc.field in form._fields else default_field
    form[name].errors = list(form[name].errors) + [exc.message]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _refused(exc: DomainError):
        db.session.rollback()
        # 403 and 404 pages never carry a message: a refusal must not say more than any other.
        return error_page(exc.status, None if exc.status in (403, 404) else exc.message)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return error_page(400, _("The form had expired or did not come from this portal. "
                                 "Go back, reload the page and send it again."))

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.config["MAX_UPLOAD_MB"]
        return error_page(413, _("The file is larger than the portal accepts (%(limit)s MB at most). "
                                 "Nothing was uploaded.", limit=limit))

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
