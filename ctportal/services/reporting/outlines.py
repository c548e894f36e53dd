"""What lists of reports read of a revision, kept per process (issue 14): for each entry its key,
kind, action, objective, status and priority action — not the narratives, rows and documents.

The review queue counts a revision's entries and the progress map reads their statuses for every
party; loading each revision's whole snapshot (every narrative of every party) to do so was most of
those pages' time. A revision never changes once made (its snapshot is frozen, with its SHA-256
beside it), so its outline is worked out once per process, from one query for all the revisions a
page lacks, and the pages load their revisions without the snapshot (`so.defer(Revision.snapshot)`).
Known by id and hash: a database emptied and filled again (the tests) never answers from the cache.

The outlines are shared between requests: read them, never change them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from ctportal.models import Revision, db

# "figures": the numbers of the action's indicators (small; the map sums them across parties).
FIELDS = ("key", "kind", "action_code", "objective", "status", "priority", "figures")
# A few rounds of every party, with their resubmissions; an outline is a few kilobytes.
KEPT = 1024

Outline = dict[str, dict[str, Any]]     # entry key -> the entry's FIELDS, in the revision's order

_kept: OrderedDict[tuple[int, str], Outline] = OrderedDict()
_lock = threading.Lock()


def outline_of(snapshot: dict[str, Any]) -> Outline:
    return {e["key"]: {name: e.get(name) for name in FIELDS} for e in snapshot["entries"]}


def outlines(revisions: Iterable[Revision]) -> dict[int, Outline]:
    """The outline of each revision (by id); the snapshots of those not kept yet in one query."""
    wanted = {r.id: (r.id, r.snapshot_sha256) for r in revisions}
    found: dict[int, Outline] = {}
    with _lock:
        for revision_id, key in wanted.items():
            if key in _kept:
                _kept.move_to_end(key)
                found[revision_id] = _kept[key]
    missing = [key for revision_id, key in wanted.items() if revision_id not in found]
    if missing:
        rows = db.session.execute(sa.select(Revision.id, Revision.snapshot_sha256, Revision.snapshot)
                                  .where(Revision.id.in_([revision_id for revision_id, _ in missing])))
        made = {row.id: ((row.id, row.snapshot_sha256), outline_of(row.snapshot)) for row in rows}
        with _lock:
            for key, outline in made.values():
                _kept[key] = outline
                while len(_kept) > KEPT:
                    _kept.popitem(last=False)
        found.update((revision_id, outline) for revision_id, (_, outline) in made.items())
    return found
