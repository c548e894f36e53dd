"""SQL statements per page do not grow with the number of entries or parties (issue 14).

Each page is requested on a small round (two parties, a few entries in the report shown) and on
a larger one (every party, every entry of the plan, several reports submitted with comments and
verdicts). The statements each request sends are counted with SQLAlchemy's
`before_cursor_execute` event; the count on the larger round must not exceed the count on the
small one. Counts are deterministic, so this is not a timing test: a query inside a loop over
entries or parties shows as a count that grows.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from ctportal.models import Comment, Entry, Report, Round, Visibility, db
from ctportal.services.review import reviews as review
from tests.factories import fill_report, make_round, report_of, submit

SMALL_ENTRIES = 3                      # entries kept in each report of the small round
SMALL_PARTIES = ("AL", "RS", "ME")      # the parties that have a report in the small round (ME a draft)
SUBMITTED = ("AL", "RS", "XK")          # submitted in the large round (those that exist in the small one)


@dataclass
class World:
    round: Round
    report: Report          # Albania's report, submitted
    entry: Entry            # an entry of objective 1 in it


def _keep_only(rnd: Round, parties: tuple[str, ...], entries: int) -> None:
    """Shrink a fresh round: reports of `parties` only, each with its first `entries` entries and the
    first whose action has footnotes (so the small round needs every kind of query the larger one does)."""
    for report in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id)).all():
        if report.party.code not in parties:
            db.session.delete(report)
            continue
        with_footnotes = next(e for e in report.entries if e.action.footnote_refs)
        for extra in report.entries[entries:]:
            if extra is not with_footnotes:
                db.session.delete(extra)
    db.session.commit()


def _coordinator(users, code: str):
    return {"AL": users.coordinator_al, "RS": users.coordinator_rs, "XK": users.coordinator_xk}[code]


def _build(users, *, small: bool) -> World:
    rnd = make_round()
    if small:
        _keep_only(rnd, SMALL_PARTIES, SMALL_ENTRIES)
    else:
        # Built beside the small round, it must not find that one as its previous round (which adds a
        # query for a reason that is not size): its reporting period ends a year earlier.
        rnd.period_start, rnd.period_end = dt.date(2024, 7, 1), dt.date(2025, 6, 30)
        db.session.commit()
    for code in SUBMITTED:
        report = report_of(rnd, code)
        if report is None:
            continue
        fill_report(report, "Done in {party}: {key}.")
        submit(report, _coordinator(users, code))
        for entry in report.entries:
            db.session.add(Comment(report_id=report.id, entry_id=entry.id, author_id=users.reviewer.id,
                                   body=f"Please add dates to {entry.key}.", visibility=Visibility.shared))
            db.session.add(Comment(report_id=report.id, entry_id=entry.id, author_id=users.reviewer.id,
                                   body="Between us: weak.", visibility=Visibility.internal))
        db.session.flush()
        for entry in report.entries[:-1]:
            review.save_entry_review(report, entry, users.reviewer, verdict=None, assessment=None,
                                     note=f"Seen {entry.key}.", expected_revision_id=report.revisions[-1].id)
        db.session.commit()
    report = report_of(rnd, "AL")
    entry = next(e for e in report.entries if e.action.objective is not None and e.action.objective.number == 1)
    return World(rnd, report, entry)


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


# page name -> (who asks, the path on a World)
PAGES = {
    "report overview": ("coordinator_al", lambda w: f"/reports/{w.report.id}"),
    "objective section": ("coordinator_al", lambda w: f"/reports/{w.report.id}/sections/1"),
    "entry form": ("coordinator_al", lambda w: f"/reports/{w.report.id}/entries/{w.entry.id}"),
    "review page": ("reviewer", lambda w: f"/review/reports/{w.report.id}?show=all"),
    "review entry": ("reviewer", lambda w: f"/review/reports/{w.report.id}/entries/{w.entry.id}"),
    "review queue": ("reviewer", lambda w: "/review/"),
    "progress map (all parties)": ("reviewer", lambda w: f"/progress/rounds/{w.round.id}"),
    "round status board": ("secretariat", lambda w: f"/rounds/{w.round.id}"),
}

def _statements_for(client, auth, users, name: str, *, small: bool) -> tuple[int, list[str]]:
    role, path = PAGES[name]
    world = _build(users, small=small)
    auth.login(role)
    url = path(world)
    client.get(url)                       # a first request warms what is cached per process
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    return len(statements), statements


@pytest.mark.parametrize("name", list(PAGES))
def test_statement_count_does_not_grow_with_the_data(client, auth, users, name):
    small, _ = _statements_for(client, auth, users, name, small=True)
    # The second world is a new round beside the first: the larger one must cost no more.
    large, statements = _statements_for(client, auth, users, name, small=False)
    assert large <= small, f"{name}: {small} statements on the small round, {large} on the larger one:\n" + \
        "\n".join(s.split("\n")[0][:150] for s in statements)
