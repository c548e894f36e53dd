"""Every role × every route × own and other objects, each cell against the expectation table.

The tables live in tests/access/routes_<area>.py; the rules for reading them in spec.py.
"""
from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from ctportal.models import db
from tests import access
from tests.access.spec import REFUSED_ANY, ROLES, Route
from tests.access.world import ROLE_ACCOUNTS, build_world
from tests.helpers import AuthActions

# Tables whose rows a refused request may legitimately add to: sign-in bookkeeping and the trail.
IGNORED_TABLES = {"audit_event", "login_session", "recovery_code"}
# Columns that signing in itself writes; every other column of these tables (role, party, active,
# password, second factor...) must stay as it was after a refused request.
IGNORED_COLUMNS = {"user_account": {"last_login_at", "failed_logins", "locked_until", "totp_last_step"}}
MISSING_ID = 987654


def _all_routes() -> list[Route]:
    routes = []
    for info in pkgutil.iter_modules(access.__path__):
        if info.name.startswith("routes_"):
            routes.extend(importlib.import_module(f"tests.access.{info.name}").ROUTES)
    return routes


ROUTES = _all_routes()


def test_every_route_is_in_the_matrix(app):
    registered = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
                  for method in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(r.endpoint, r.method) for r in ROUTES}
    assert registered - described == set(), "routes missing from tests/access/routes_*.py"
    assert described - registered == set(), "the matrix describes routes the app does not have"


def test_every_table_is_well_formed():
    for route in ROUTES:
        route.table()


def _url(route: Route, world, obj: str, *, missing: bool = False) -> str:
    params = world.params(obj)

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if missing:
            return str(MISSING_ID)
        if name not in params:
            raise KeyError(f"{route.endpoint}: object {obj!r} has no {{{name}}}")
        return str(params[name])

    return re.sub(r"\{(\w+)\}", fill, route.url)


def _data(route: Route, world, obj: str) -> dict:
    return route.data(world, obj) if callable(route.data) else dict(route.data)


def _fingerprint() -> str:
    """A hash of every row of every table a refused request must leave alone."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in IGNORED_TABLES:
                continue
            ignored = IGNORED_COLUMNS.get(table.name, set())
            columns = [c for c in table.columns if c.name not in ignored]
            for row in conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _client_for(app, world, role: str, route: Route):
    client = app.test_client()
    if route.bearer:
        if role != "anonymous":
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world.bearer[role]}"
        return client
    if role != "anonymous":
        response = AuthActions(client, world.users).login(ROLE_ACCOUNTS[role])
        assert response.status_code == 302, f"{role} could not sign in"
    return client


def _request(client, route: Route, url: str, data: dict):
    if route.method == "GET":
        return client.get(url)
    return client.post(url, data=data)


REFUSED = {401, 403, 404, 405, REFUSED_ANY}


def _as_expected(status: int, expected: int) -> bool:
    return status in (403, 404) if expected == REFUSED_ANY else status == expected


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.endpoint}")
def test_access(route: Route, app):
    table = route.table()
    world = build_world()
    failures = []
    deferred = []
    for role in ROLES:
        client = _client_for(app, world, role, route)
        for obj in route.objects:
            expected = table[role][obj]
            sent_to_sign_in = role == "anonymous" and expected == 302 and not route.public
            if route.method != "GET" and route.mutates and expected not in REFUSED and not sent_to_sign_in:
                deferred.append((role, obj, expected))
                continue
            url = _url(route, world, obj)
            before = _fingerprint() if route.method != "GET" else None
            response = _request(client, route, url, _data(route, world, obj))
            if not _as_expected(response.status_code, expected):
                failures.append(f"{role} {obj}: expected {expected}, got {response.status_code}")
                continue
            if sent_to_sign_in and urlsplit(response.headers.get("Location", "")).path != "/login":
                failures.append(f"{role} {obj}: the 302 leads to {response.headers.get('Location')}, "
                                "not to the sign-in page")
            if before is not None and (expected in REFUSED or sent_to_sign_in):
                if _fingerprint() != before:
                    failures.append(f"{role} {obj}: a refused request changed the database")
            if response.status_code == 404 and "{" in route.url:
                ghost = _request(client, route, _url(route, world, obj, missing=True), _data(route, world, obj))
                if ghost.status_code != 404 or ghost.data != response.data:
                    failures.append(f"{role} {obj}: the 404 differs from the 404 of a missing object")
    db.session.remove()
    for role, obj, expected in deferred:
        # A successful state change runs on a world of its own, so it cannot spoil other cells.
        _reset()
        fresh = build_world()
        client = _client_for(app, fresh, role, route)
        response = _request(client, route, _url(route, fresh, obj), _data(route, fresh, obj))
        if response.status_code != expected:
            failures.append(f"{role} {obj}: expected {expected}, got {response.status_code}")
        db.session.remove()
    assert not failures, f"{route.method} {route.url}:\n  " + "\n  ".join(failures)


def _reset() -> None:
    from ctportal.domain.catalogue import load_catalogue
    from ctportal.services.operations.setup import ensure_parties
    from tests.conftest import _empty_all_tables

    db.session.remove()
    _empty_all_tables()
    ensure_parties()
    load_catalogue()
    db.session.commit()
