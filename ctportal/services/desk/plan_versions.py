"""Plan versions side by side: actions matched by their stable code, with what changed."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext

from ctportal.domain.errors import DomainError
from ctportal.domain.catalogue import load_catalogue, parse_catalogue
from ctportal.models import Action, Objective, PlanVersion, Round, User, db


@dataclass
class ActionMatch:
    code: str
    old: Action | None
    new: Action | None

    @property
    def changed(self) -> bool:
        """The action is new, gone, reworded, moved to another objective or addressed to other actors."""
        if self.old is None or self.new is None:
            return True
        return (self.old.text != self.new.text or self.old.actor_group != self.new.actor_group
                or self.old.objective.number != self.new.objective.number)

    @property
    def what_changed(self) -> str:
        if self.old is None:
            return "new in this plan version"
        if self.new is None:
            return "not in this plan version"
        parts = []
        if self.old.objective.number != self.new.objective.number:
            parts.append(f"moved from objective {self.old.objective.number} to {self.new.objective.number}")
        if self.old.actor_group != self.new.actor_group:
            parts.append("addressed to other actors")
        if self.old.text != self.new.text:
            parts.append("reworded")
        return ", ".join(parts)


def _actions(version: PlanVersion) -> list[Action]:
    return list(db.session.scalars(sa.select(Action).join(Objective).where(
        Action.plan_version_id == version.id).order_by(Objective.number, Action.position)))


def match_actions(old: PlanVersion, new: PlanVersion) -> list[ActionMatch]:
    """Every action code of either version, in the new version's order, then codes that were dropped."""
    old_by = {a.code: a for a in _actions(old)}
    matches = [ActionMatch(a.code, old_by.pop(a.code, None), a) for a in _actions(new)]
    matches.extend(ActionMatch(code, action, None) for code, action in old_by.items())
    return matches


def versions() -> list[tuple[PlanVersion, int, int]]:
    """(version, number of actions, number of rounds using it), newest first."""
    rows = db.session.execute(
        sa.select(PlanVersion,
                  sa.select(sa.func.count(Action.id)).where(Action.plan_version_id == PlanVersion.id)
                  .scalar_subquery(),
                  sa.select(sa.func.count(Round.id)).where(Round.plan_version_id == PlanVersion.id)
                  .scalar_subquery())
        .order_by(PlanVersion.loaded_at.desc(), PlanVersion.id.desc())).all()
    return [(v, n_actions, n_rounds) for v, n_actions, n_rounds in rows]


def latest_version() -> PlanVersion | None:
    return db.session.scalar(sa.select(PlanVersion).order_by(PlanVersion.loaded_at.desc(),
                                                             PlanVersion.id.desc()).limit(1))


class PlanUploadError(DomainError, ValueError):
    """A catalogue file that validates but may not be loaded (its plan code is loaded already)."""


def load_uploaded(path: Path, original_name: str, actor: User) -> PlanVersion:
    """Validate and load an uploaded catalogue file as a new plan version.

    Raises catalogue.CatalogueError (with the line) for a file that does not validate, and
    PlanUploadError for a file whose plan code is already loaded (even with the same content:
    an upload is meant to add a version).
    """
    from ctportal.services import audit

    catalogue = parse_catalogue(path)
    existing = db.session.scalar(sa.select(PlanVersion).where(PlanVersion.code == catalogue.code))
    if existing is not None:
        # Shown on the plans page in the reader's language (the file's own line-by-line problems, from
        # domain/catalogue.py, are shared with the command line and stay English).
        raise PlanUploadError(gettext("line %(line)s: plan version '%(code)s' is already loaded; a revised plan "
                                      "needs a new code", line=catalogue.code_line, code=catalogue.code))
    version = load_catalogue(path)
    audit.record("plan.loaded", version, actor=actor, code=version.code, file=original_name,
                 sha256=version.source_sha256)
    return version
