"""The catalogue's indicators (issue 18, item 4): an action's optional `indicators:` list, parsed, kept out
of the plan's identity, and put into the database. See domain/indicators.py for what an indicator is."""
from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
import yaml

from ctportal.domain import indicators as ind
from ctportal.domain.catalogue_specs import Catalogue, CatalogueError, IndicatorSpec
from ctportal.models.base import db
from ctportal.models.figures import Figure, Indicator
from ctportal.models.plan import Action, PlanVersion

NAME_LENGTH = 200


def plan_sha256(text: str, indicator_lines: list[tuple[int, int, int]]) -> str:
    """The plan's identity: the file's SHA-256 without the lines of its `indicators:` lists.

    Indicators are how the plan is measured, not what it says: adding one to an action (issue 18)
    keeps the plan version a database already holds, and `load_catalogue` adds the new indicator to
    it; changing any word of the plan itself still needs a new file with a new code.
    """
    lines = text.splitlines(keepends=True)
    dropped: set[int] = set()
    for start, end, column in indicator_lines:
        # A block list ends where the next key starts: that line is the list's only if text of it precedes.
        stop = end + 1 if end < len(lines) and lines[end][:column].strip() else end
        dropped.update(range(start, stop))
    kept = "".join(line for n, line in enumerate(lines) if n not in dropped)
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()



def parse_indicators(parser: Any, node: yaml.Node, code: str) -> tuple[IndicatorSpec, ...]:
    """An action's figures: name, unit (domain/indicators.UNITS), optional disaggregation and key."""
    found: dict[str, IndicatorSpec] = {}
    units = ", ".join(ind.UNITS)
    kinds = ", ".join(k for k in ind.DISAGGREGATIONS if k)
    for item in parser.sequence(node, f"the indicators of action {code}"):
        fields = parser.mapping(item, f"an indicator of action {code}", ["name", "unit"], ["key", "disaggregation"])
        name = parser.text(fields["name"], f"the name of an indicator of action {code}", NAME_LENGTH)
        unit = parser.text(fields["unit"], f"the unit of indicator '{name}'")
        if unit not in ind.UNITS:
            raise parser.error(fields["unit"], f"unknown unit '{unit}' of indicator '{name}' (expected one of {units})")
        disaggregation = ""
        if "disaggregation" in fields:
            disaggregation = parser.text(fields["disaggregation"], f"the disaggregation of indicator '{name}'")
            if disaggregation not in ind.DISAGGREGATIONS:
                raise parser.error(fields["disaggregation"], f"unknown disaggregation '{disaggregation}' of"
                                                           f" indicator '{name}' (expected one of {kinds})")
        key = parser.text(fields["key"], f"the key of indicator '{name}'") if "key" in fields else ind.key_of(name)
        if not ind.valid_key(key):
            raise parser.error(fields.get("key", fields["name"]), f"the key '{key}' of indicator '{name}' must be"
                             " lower-case letters, digits and single hyphens, at most 60 characters")
        line = item.start_mark.line + 1
        if key in found:
            raise parser.error(line, f"indicator '{key}' appears twice in action {code}"
                                   f" (first at line {found[key].line})")
        found[key] = IndicatorSpec(key, name, unit, disaggregation, line)
    return tuple(found.values())



def sync_indicators(plan: PlanVersion, catalogue: Catalogue) -> None:
    """The catalogue's indicators in the database: new ones added, names and positions kept up to date.

    An indicator that already has figures keeps its unit and disaggregation (they are what the
    numbers mean): a file that changes them is refused, and a changed measure needs a new key.
    """
    actions = {a.code: a for a in db.session.scalars(sa.select(Action).where(Action.plan_version_id == plan.id))}
    stored = {(i.action_id, i.key): i for i in db.session.scalars(
        sa.select(Indicator).where(Indicator.plan_version_id == plan.id, Indicator.round_id.is_(None)))}
    for spec in catalogue.actions:
        for position, item in enumerate(spec.indicators, 1):
            action = actions[spec.code]
            found = stored.get((action.id, item.key))
            if found is None:
                db.session.add(Indicator(plan_version_id=plan.id, action_id=action.id, key=item.key, name=item.name,
                                         unit=item.unit, disaggregation=item.disaggregation, position=position))
                continue
            if (found.unit, found.disaggregation) != (item.unit, item.disaggregation) and db.session.scalar(
                    sa.select(Figure.id).where(Figure.indicator_id == found.id).limit(1)) is not None:
                raise CatalogueError(catalogue.path, item.line,
                                     f"indicator '{item.key}' of action {spec.code} already has figures in"
                                     f" {found.unit or 'its unit'}; give the changed indicator a new key")
            found.name, found.unit, found.disaggregation, found.position = (
                item.name, item.unit, item.disaggregation, position)
    db.session.flush()
