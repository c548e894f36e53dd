"""One way to close an area to everyone policy does not let in.

A gate asks one question of `ctportal.policy` (`may_administer`, `may_see_audit`, ...) before the
view loads anything, so someone outside the area learns nothing of what is in it: not signed in →
the sign-in page (as `login_required`); signed in but not let in → 403. A whole blueprint is gated
with `gate_area(bp, rule)`; a single route with `@requires(rule)` (for areas whose object routes
answer through a policy loader instead, 404 for what the user may not see).
"""
from __future__ import annotations

import functools
from typing import Any, cast
from collections.abc import Callable

from flask import Blueprint, abort, current_app, request
from flask_login import current_user
from flask_login.config import EXEMPT_METHODS  # type: ignore[import-untyped]  # flask_login ships no types

Rule = Callable[[Any], bool]


def _refusal(rule: Rule):
    """None if the request may go on, else the answer to give instead."""
    if request.method in EXEMPT_METHODS or current_app.config.get("LOGIN_DISABLED"):
        return None
    if not current_user.is_authenticated:
        return cast(Any, current_app).login_manager.unauthorized()  # Flask-Login's attribute
    if not rule(current_user):
        abort(403)
    return None


def gate_area(bp: Blueprint, rule: Rule) -> None:
    """Every route of the blueprint asks `rule` first."""
    bp.before_request(lambda: _refusal(rule))


def requires(rule: Rule):
    """This route asks `rule` first."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            refusal = _refusal(rule)
            return refusal if refusal is not None else view(*args, **kwargs)
        return wrapped
    return decorate
