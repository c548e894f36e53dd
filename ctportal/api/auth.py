"""Who is asking: a personal token in `Authorization: Bearer`, nothing else.

The API never reads the session cookie, so a page a user has open in the browser cannot be
made to call it (no CSRF question arises), and a token cannot reach the pages. Every request
with a live token is an audit event; failed attempts are throttled per address exactly like
sign-in attempts (LOGIN_RATE_LIMIT), good ones per token (API_RATE_LIMIT).
"""
from __future__ import annotations

import hashlib
import http

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint, abort  # type: ignore[import-untyped]  # flask_smorest ships no types

from ctportal.models import ApiToken, User, db
from ctportal.services.accounts import api_tokens
from ctportal.web.extensions import limiter

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="ctportal"'}


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def _token_key() -> str:
    """The per-token bucket (by the secret's hash: the key is kept in the limiter's storage)."""
    secret = _bearer()
    return "api-token:" + hashlib.sha256(secret.encode()).hexdigest()[:32] if secret else get_remote_address()


def _address_key() -> str:
    return "api-address:" + (get_remote_address() or "")


def api_user() -> User:
    """The owner of the request's token (the user every policy question is asked about)."""
    return g.api_token.user


def _authenticate() -> None:
    token = api_tokens.find_live(_bearer())
    if token is None:
        abort(401, message="Send a live personal API token: Authorization: Bearer <token>.", headers=CHALLENGE)
    g.api_token = token


def _record_use(response):
    token: ApiToken | None = g.get("api_token")
    if token is not None:
        api_tokens.record_use(token, request.method, request.full_path.rstrip("?"), response.status_code)
        db.session.commit()
    return response


def protect(blp: Blueprint) -> Blueprint:
    """Bearer authentication, throttling and the audit trail for every route of `blp`."""
    limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_address_key,
                  deduct_when=lambda response: response.status_code == 401)(blp)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_token_key)(blp)
    blp.before_request(_authenticate)
    blp.after_request(_record_use)
    return blp


def documented_errors(blp: Blueprint, *codes: int):
    """The error answers a route can give, in the OpenAPI document (401 and 429 for every route)."""
    def decorate(view):
        for code in sorted({401, 429, *codes}, reverse=True):
            view = blp.alt_response(code, response=_status_name(code))(view)
        return view
    return decorate


def _status_name(code: int) -> str:
    return http.HTTPStatus(code).name
