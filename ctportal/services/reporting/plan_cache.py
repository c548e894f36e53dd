"""The plan catalogue as plain data, loaded once per process and plan version (issue 14).

A plan version never changes once loaded (a revised plan is a new version, services/desk/plan_versions),
so its actions, objectives, lead-ins and footnotes need not be read and built into ORM objects on
every request: the first request of a process that needs a version builds a `PlanCatalogue` of
frozen dataclasses, with each action's words (domain/plan_words) worked out once, and every later
request reads it. The pages ask `action_of(entry)` instead of walking `entry.action.objective…`.

A version is known by its id, its source's SHA-256 and when it was loaded, so a database emptied and
loaded again with another catalogue under the same id (the tests do) is never answered from the
cache. That key is read once per request (the session's `info`, which lives as long as the request's
session) — one small query, whatever the number of entries.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm as so

from ctportal.domain.plan_words import PlanWords, plan_words
from ctportal.models import Action, ActorGroup, Entry, FootnoteRef, LeadIn, Objective, PlanVersion, db


@dataclass(frozen=True)
class PlanObjective:
    id: int
    number: int
    title: str


@dataclass(frozen=True)
class PlanAction:
    id: int
    code: str
    actor_group: ActorGroup
    position: int
    text: str
    objective: PlanObjective
    words: PlanWords       # the objective's title, the group's lead-in and the action, with footnotes


@dataclass(frozen=True)
class PlanCatalogue:
    version_id: int
    actions: dict[int, PlanAction]     # by action id


_Key = tuple[int, str, dt.datetime]
_CATALOGUES: dict[_Key, PlanCatalogue] = {}
_BUILDING = threading.Lock()
# A portal has a few plan versions; the bound only keeps a process that sees many (the test suite
# loads the plan afresh for every test) from keeping them all. The oldest built goes first.
KEPT = 8
_SESSION_KEY = "ctportal.plan_cache"


def _key(version_id: int) -> _Key | None:
    keys: dict[int, _Key | None] = db.session.info.setdefault(_SESSION_KEY, {})
    if version_id not in keys:
        row = db.session.execute(sa.select(PlanVersion.source_sha256, PlanVersion.loaded_at)
                                 .where(PlanVersion.id == version_id)).one_or_none()
        keys[version_id] = (version_id, row.source_sha256, row.loaded_at) if row is not None else None
    return keys[version_id]


def _plain(action: Action) -> PlanAction:
    objective = action.objective
    return PlanAction(action.id, action.code, action.actor_group, action.position, action.text,
                      PlanObjective(objective.id, objective.number, objective.title), plan_words(action))


def _build(version_id: int) -> PlanCatalogue:
    actions = db.session.scalars(
        sa.select(Action).where(Action.plan_version_id == version_id)
        .options(so.selectinload(Action.objective).selectinload(Objective.lead_ins)
                 .selectinload(LeadIn.footnote_refs).joinedload(FootnoteRef.footnote),
                 so.selectinload(Action.objective).selectinload(Objective.footnote_refs)
                 .joinedload(FootnoteRef.footnote),
                 so.selectinload(Action.footnote_refs).joinedload(FootnoteRef.footnote))).all()
    return PlanCatalogue(version_id, {a.id: _plain(a) for a in actions})


def catalogue(version_id: int) -> PlanCatalogue:
    """The plan version's catalogue, built on the first call in this process."""
    key = _key(version_id)
    if key is None:
        return PlanCatalogue(version_id, {})
    found = _CATALOGUES.get(key)
    if found is None:
        with _BUILDING:   # one thread builds it; the others wait and read it
            found = _CATALOGUES.get(key)
            if found is None:
                found = _build(version_id)
                while len(_CATALOGUES) >= KEPT:
                    del _CATALOGUES[next(iter(_CATALOGUES))]
                _CATALOGUES[key] = found
    return found


def action_of(entry: Entry) -> PlanAction:
    """The plan's action an entry reports on (for a priority action, the action it is linked to)."""
    found = catalogue(entry.report.round.plan_version_id).actions.get(entry.action_id)
    # Only an entry on an action outside its round's plan version would miss: read it as it is.
    return found if found is not None else _plain(entry.action)
