"""Removing cached PDF parts nobody has used for a while (`flask prune-parts`).

A part's cache key is the hash of what it shows, so superseded parts are never looked up again:
the annex of a revision that was reopened, the front matter of an earlier day, every part made
before a template or font change. They are harmless but use disk. A part is looked up (and its
`used_at` set) by every compile and party download that uses it, so a part unused for days is
safe to remove: if it is ever wanted again it is rendered again. Editions are not affected —
each keeps its own assembled file under `compiled/`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ctportal.models import RenderedPart, db, utcnow
from ctportal.infra import storage
from ctportal.pdf import fontmerge

MIN_DAYS = 1  # a compile running now has touched every part it uses: never prune fresher ones


@dataclass
class Pruned:
    parts: int = 0
    bytes: int = 0


def prune_parts(older_than_days: int) -> Pruned:
    """Remove parts unused for `older_than_days` days (at least MIN_DAYS): rows, then files."""
    if older_than_days < MIN_DAYS:
        raise ValueError(f"Keep parts used in the last {MIN_DAYS} day(s) at least.")
    cutoff = utcnow() - dt.timedelta(days=older_than_days)
    last_use = sa.func.coalesce(RenderedPart.used_at, RenderedPart.created_at)
    stale = list(db.session.scalars(sa.select(RenderedPart).where(last_use < cutoff)))
    names = [part.stored_name for part in stale]
    for part in stale:
        db.session.delete(part)
    db.session.commit()  # the rows go first: a file without a row is only disk, a row without a file re-renders
    result = Pruned(parts=len(names))
    for name in names:
        path = storage.path_for("parts", name)
        try:
            result.bytes += path.stat().st_size
        except FileNotFoundError:
            continue
        storage.remove("parts", name)
    # The merged fonts (ctportal/pdf/fontmerge.py) have no row: their modification time is their
    # last use, and one is made again if a compile needs it.
    for path in storage.folder("parts").glob(f"{fontmerge.CACHE_PREFIX}*"):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).replace(tzinfo=None) < cutoff:
            result.bytes += stat.st_size
            path.unlink(missing_ok=True)
    return result
