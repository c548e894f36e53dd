"""Every id in every route: one beyond what a table can hold answers 404, like any missing id.

Before web/ids.py, `/reports/1180591620717411303424` answered 500 (SQLite: an integer beyond 64
bits), and on PostgreSQL so did any id beyond 2^31 - 1 (integer out of range) — the API's too.
"""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from ctportal.models import db
from ctportal.services.accounts import api_tokens
from ctportal.web.ids import MAX_ID, IdConverter

UNSTORABLE = [2**70, 2**63, MAX_ID + 1, 9_999_999_999, 0, "01"]


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            yield rule, ints


def _url(rule, ints, value) -> str:
    url = rule.rule
    for name in ints:
        url = url.replace(f"<int:{name}>", str(value))
    return re.sub(r"<[^>]+>", "objective-1", url)  # any other part (a section's slug): a real-looking one


def test_every_id_route_uses_the_bounded_converter(app):
    routes = list(_id_routes(app))
    assert len(routes) > 40
    for rule, ints in routes:
        for name in ints:
            assert rule._converters[name].max == MAX_ID, rule.rule


@pytest.mark.parametrize("value", UNSTORABLE)
def test_an_unstorable_id_is_a_missing_object_in_every_page_route(app, client, auth, users, value):
    auth.login("reviewer")
    for rule, ints in _id_routes(app):
        if rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule, ints, value), method=method)
            assert response.status_code == 404, (method, rule.rule, response.status_code)


def test_an_unstorable_id_is_a_missing_object_in_the_api(app, client, users):
    _, secret = api_tokens.create(users.reviewer, "ids", 1)
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}", "If-None-Match": "*"}
    checked = 0
    for rule, ints in _id_routes(app):
        if rule.rule.startswith("/api/"):
            for value in UNSTORABLE:
                response = client.get(_url(rule, ints, value), headers=headers)
                assert response.status_code == 404, (rule.rule, value, response.status_code)
                assert response.is_json
                checked += 1
    assert checked >= 4 * len(UNSTORABLE)


def test_the_api_document_states_the_bound(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    params = [p for path in spec["paths"].values() for p in path.get("parameters", []) if p.get("in") == "path"
              and p["schema"]["type"] == "integer"]
    assert params and all(p["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID} for p in params)


@pytest.mark.parametrize("text", ["1", "9", "10", "99", "2147483647", "2147483646", "2147479999", "1999999999"])
def test_every_storable_id_still_matches(text):
    assert re.fullmatch(IdConverter.regex, text)


@pytest.mark.parametrize("text", ["0", "01", "2147483648", "2147483650", "2147490000", "3000000000", "21474836470"])
def test_no_unstorable_id_matches(text):
    assert not re.fullmatch(IdConverter.regex, text)


@pytest.mark.parametrize("limit", [1, 9, 10, 99, 100, 305, 1000, 2147, 9999])
def test_the_bounding_pattern_is_exact(limit):
    from ctportal.web.ids import _at_most
    pattern = re.compile(_at_most(limit))
    assert [n for n in range(0, 3 * limit + 20) if pattern.fullmatch(str(n))] == list(range(1, limit + 1))


@pytest.mark.parametrize("path, who", [("/audit/", "admin"), ("/notifications/", "coordinator_al")])
def test_a_page_number_beyond_any_offset_is_the_last_page_not_a_500(client, auth, users, path, who):
    auth.login(who)
    assert client.get(f"{path}?page={2**70}").status_code == 200
