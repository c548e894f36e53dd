"""How a route is described in the access matrix.

Each area keeps its routes in `tests/access/routes_<area>.py`, as a list named ROUTES. Every
endpoint the app registers must appear in some ROUTES (test_every_route_is_in_the_matrix),
so a new page cannot ship without its row.

A route's expectation is a small table: one line per role (the first word), one column per
object the URL is built for (the header line). A cell is the HTTP status expected:

    Route("reports.overview", "GET", "/reports/{report}", objects=REPORTS, expect='''
                      own_draft own_submitted own_approved other_draft other_submitted other_approved
        anonymous     302       302           302          302         302             302
        contributor   200       200           200          404         404             404
        ...
    ''')

Roles (the `world` fixture in test_access_matrix.py makes one account each):
    anonymous, contributor, coordinator (both of Albania), eu_reporter (Europol),
    reviewer, secretariat, admin, observer (bound to Albania only; Albania and Serbia both
    consent in every round of the world, so "other" objects test a party the observer is not
    bound to; consent itself is tested in test_api_observers.py).
"Own" objects belong to Albania (the partner users' party); "other" objects to Serbia. The EU
reporter (Europol) has neither: every report object is another party's for it.

Objects the URL templates can use ({name} is replaced by the object's id):
    report objects   own_draft, own_submitted, own_approved, other_draft, other_submitted,
                     other_approved      -> {report}, and {entry} = the report's first entry
    documents        own_document, other_document (on the submitted reports)  -> {report}, {document}
    comments         own_shared_comment, own_internal_comment, other_shared_comment,
                     other_internal_comment (on the submitted reports) -> {report}, {entry}, {comment}
    rounds           round (the open round of the submitted reports) -> {round}
    accounts         own_account (Albania's contributor), other_account (Serbia's coordinator) -> {user}
    parties          own_party (Albania), other_party (Serbia) -> {party}
    one-time links   invite_link (an invited Albanian contributor's), reset_link (Serbia's contributor's)
                     -> {token}; a "missing" object is a token that was never issued
    priority actions own_priority (Albania's, in no report) -> {priority}, {party}
    webhooks         webhook (one, made by the admin) -> {webhook}
    observers        observer_account (the observer's account) -> {user}
    API tokens       own_token (Albania's contributor's), other_token (Serbia's coordinator's) -> {token}
    none             the route takes no object: use objects=NONE and a single column "-"

For POST routes, `data` gives the form fields (a dict, or a function of the world and the
object returning one). The matrix posts without a CSRF token (CSRF is tested on its own in
test_security.py). Cells expecting 403/404 are also checked to change nothing in the database;
cells expecting success are each run on a fresh world.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

ROLES = ("anonymous", "contributor", "coordinator", "eu_reporter", "reviewer", "secretariat", "admin", "observer")
# An observer holds no permission on any page: a table without an "observer" row expects each of
# its cells refused, 403 or 404 (written REFUSED_ANY). The API's tables and the few pages every
# account has (home, own account, notifications) give the observer row explicitly.
REFUSED_ANY = 0
REPORTS = ("own_draft", "own_submitted", "own_approved", "other_draft", "other_submitted", "other_approved")
DOCUMENTS = ("own_document", "other_document")
COMMENTS = ("own_shared_comment", "own_internal_comment", "other_shared_comment", "other_internal_comment")
ROUNDS = ("round",)
ACCOUNTS = ("own_account", "other_account")
PARTIES = ("own_party", "other_party")
NONE = ("-",)


@dataclass
class Route:
    endpoint: str
    method: str
    url: str
    expect: str
    objects: tuple[str, ...] = NONE
    data: dict[str, Any] | Callable[..., dict[str, Any]] = field(default_factory=dict)
    # Set for POST routes whose success cannot be repeated on the shared world (most are).
    mutates: bool = True
    # Set for routes anonymous visitors may really use (one-time links). Otherwise an anonymous 302
    # is the way to the sign-in page, and the matrix checks that it is and that nothing changed.
    public: bool = False
    # Set for the JSON API: each role sends its personal token (Authorization: Bearer), never a
    # session cookie; anonymous sends none.
    bearer: bool = False
    # Pages every account has (own account, sign-in, home, notifications): the observer's row is
    # this role's row (an account without report access, like the admin).
    observer_like: str | None = None

    def table(self) -> dict[str, dict[str, int]]:
        """The expectation as {role: {object: status}}, checked for completeness."""
        lines = [line.split() for line in self.expect.strip().splitlines() if line.strip()]
        header, rows = lines[0], lines[1:]
        if tuple(header) != tuple(self.objects):
            raise ValueError(f"{self.endpoint}: header {header} does not match objects {self.objects}")
        table = {}
        for row in rows:
            role, cells = row[0], row[1:]
            if role not in ROLES:
                raise ValueError(f"{self.endpoint}: unknown role {role!r}")
            if len(cells) != len(header):
                raise ValueError(f"{self.endpoint}: role {role} has {len(cells)} cells for {len(header)} objects")
            table[role] = {obj: int(cell) for obj, cell in zip(header, cells, strict=False)}
        if self.observer_like is not None:
            table.setdefault("observer", dict(table[self.observer_like]))
        table.setdefault("observer", {obj: REFUSED_ANY for obj in header})
        missing = set(ROLES) - set(table)
        if missing:
            raise ValueError(f"{self.endpoint}: no row for {sorted(missing)}")
        return table
