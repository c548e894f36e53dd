"""What the Commission's review pages show: the queue, a report under review, one entry, accept-all,
and the pages that request changes or reopen.

Everything is read from revisions (the latest submitted one, the one before it, and the party's
approved revision of the previous round), never from the draft.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from ctportal.domain.parties import local_name
from ctportal.models import Entry, Party, Report, ReportState, Revision, Round, RoundState, User, db
from ctportal.pages import figures as figure_pages
from ctportal.pages.reports import entries_of, worded_html
from ctportal.services.reporting import revisions
from ctportal.services.reporting.plan_cache import action_of
from ctportal.services.reporting.previous import previous_round_revision
from ctportal.services.review import comments as comment_service
from ctportal.services.review import diff
from ctportal.services.review import reviews as review
from ctportal.services.review import workflow

SHOWN = ("changed", "all", "remaining", "needs_revision")   # the report page's filters


def queue_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The queue filter's rounds and parties, each list led by "all"."""
    rounds = db.session.scalars(sa.select(Round).where(Round.state != RoundState.draft)
                                .order_by(Round.submission_deadline.desc()))
    parties = db.session.scalars(sa.select(Party).order_by(Party.sort_order))
    return ([(0, gettext("All rounds"))] + [(r.id, r.title) for r in rounds],
            [(0, gettext("All parties"))] + [(p.id, local_name(p)) for p in parties])


def queue_page(user: User, *, round_id: int | None, party_id: int | None, state: str,
               mine: bool) -> dict[str, Any]:
    return {"rows": review.queue(user, round_id=round_id, party_id=party_id, state=state, mine=mine),
            "drafts": review.draft_counts(user, round_id=round_id, party_id=party_id),
            "state": state, "today": dt.date.today()}


def _open_thread_counts(user: User, report: Report) -> dict[int | None, int]:
    counts: dict[int | None, int] = {}
    for thread_list in comment_service.open_threads_by_entry(user, report).values():
        for thread in thread_list:
            counts[thread.root.entry_id] = counts.get(thread.root.entry_id, 0) + 1
    return counts


def report_page(report: Report, user: User, show: str | None) -> dict[str, Any]:
    """The report under review: its latest revision, what changed since the one before, verdicts so far.

    `show` filters the entries (SHOWN); by default a resubmission shows only what changed.
    """
    # One query each for the latest revision, the one before (its snapshot only read when what changed
    # between them is not kept yet: reviews.changed_between) and the latest's reviews.
    latest = revisions.latest_revision(report)
    previous = review.previous_revision(latest, snapshot=False) if latest else None
    changed = review.changed_since_previous(latest, previous) if latest else set()
    reviews = review.reviews_for(latest)
    remaining = review.remaining_in(latest, reviews) if latest else []
    needing = review.needing_in(latest, reviews) if latest else []
    default = "changed" if previous is not None and report.state == ReportState.submitted else "all"
    show = show if show in SHOWN else default
    keys = [e["key"] for e in latest.snapshot["entries"]] if latest else []
    if show == "changed":
        keys = [k for k in keys if k in changed]
    elif show == "remaining":
        keys = [k for k in keys if k in remaining]
    elif show == "needs_revision":
        keys = [r.entry_key for r in needing]
    return {
        "report": report, "latest": latest, "previous": previous, "changed": changed,
        "reviews": reviews, "entries": {e.key: e for e in entries_of(report)},
        "snapshot_entries": latest.snapshot["entries"] if latest else [],
        "actions": workflow.allowed_actions(user, report), "remaining": remaining, "needing": needing,
        "show": show, "shown_keys": keys, "open_threads": _open_thread_counts(user, report),
        "threads": comment_service.threads(user, report),
        "approver": db.session.get(User, report.approved_by_id) if report.approved_by_id else None,
    }


def entry_page(report: Report, entry: Entry, latest: Revision, snapshot: dict[str, Any],
               user: User) -> dict[str, Any]:
    """One entry of the latest revision, with its changes since the revision before and since the previous round."""
    previous = review.previous_revision(latest)
    before = revisions.entries_by_key(previous).get(entry.key) if previous else None
    prev_round = previous_round_revision(report)
    round_before = revisions.entries_by_key(prev_round).get(entry.key) if prev_round else None
    keys = [e["key"] for e in latest.snapshot["entries"]]
    index = keys.index(entry.key)
    by_key = {e.key: e for e in entries_of(report)}
    return {
        "report": report, "entry": entry, "latest": latest, "snapshot": snapshot, "previous": previous,
        "changes": diff.entry_changes(before, snapshot) if previous else None,
        "prev_round": prev_round, "round_before": round_before,
        "round_changes": diff.entry_changes(round_before, snapshot) if prev_round else None,
        "threads": comment_service.threads(user, report, entry),
        "prev_entry": by_key.get(keys[index - 1]) if index > 0 else None,
        "next_entry": by_key.get(keys[index + 1]) if index + 1 < len(keys) else None,
        "position": index + 1, "count": len(keys),
        "words": action_of(entry).words, "worded_html": worded_html,
        "figure_tables": figure_pages.shown_tables(snapshot.get("figures"), (round_before or {}).get("figures"),
                                                   compare=prev_round is not None),
    }


def next_entry(latest: Revision, key: str) -> Entry | None:
    """The entry after `key` in the revision's order, or None after the last."""
    keys = [e["key"] for e in latest.snapshot["entries"]]
    index = keys.index(key)
    if index + 1 >= len(keys):
        return None
    return db.session.scalar(sa.select(Entry).where(Entry.report_id == latest.report_id,
                                                    Entry.key == keys[index + 1]))


def accept_all_page(report: Report, latest: Revision, remaining: list[str]) -> dict[str, Any]:
    snapshot = revisions.entries_by_key(latest)
    return {"report": report, "latest": latest, "remaining": [snapshot[k] for k in remaining],
            "reviews": review.reviews_for(latest)}


def transition_page(report: Report, user: User) -> dict[str, Any]:
    """Requesting changes or reopening: what still needs revision and the open threads, entry by entry."""
    return {"report": report, "needing": review.needing_revision(report),
            "threads_by_entry": comment_service.open_threads_by_entry(user, report),
            "entries": {e.key: e for e in report.entries}}
