"""Figures per action (issue 18, item 4): which indicators an entry has, its numbers checked, saved,
frozen, carried into the next round and summed across parties.

Indicators (models/figures.py) come from the plan catalogue (every round on that plan version) or are
added by the Commission to one round (`add_round_indicator`). A party's numbers are `Figure` rows of
its draft's entry; the snapshot freezes them in the plain shape of domain/indicators.py under the
entry's "figures" key — only entries whose action has indicators have the key, so every other
snapshot stays as it was. Priority entries have none: the action's own entry carries its figures.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from ctportal.domain import indicators as ind
from ctportal.domain.errors import DomainError
from ctportal.models import Action, Entry, EntryKind, Figure, Indicator, Report, Round, User, db
from ctportal.services import audit
from ctportal.services.reporting.previous import previous_round_revision

Parsed = dict[tuple[int, str, str], Decimal | None]     # (indicator id, category, column) -> value


def indicators_for(rnd: Round, action_ids: Iterable[int] | None = None) -> dict[int, list[Indicator]]:
    """Action id -> the indicators of the round's actions (the catalogue's first, in their order, then
    those the Commission added to this round), in one query."""
    query = sa.select(Indicator).where(Indicator.plan_version_id == rnd.plan_version_id,
                                       sa.or_(Indicator.round_id.is_(None), Indicator.round_id == rnd.id))
    if action_ids is not None:
        query = query.where(Indicator.action_id.in_(list(action_ids)))
    found: dict[int, list[Indicator]] = {}
    for item in db.session.scalars(query.order_by(Indicator.round_id.is_not(None), Indicator.position,
                                                  Indicator.id)):
        found.setdefault(item.action_id, []).append(item)
    return found


def of_entry(entry: Entry, by_action: dict[int, list[Indicator]] | None = None) -> list[Indicator]:
    if entry.kind == EntryKind.priority:
        return []
    if by_action is None:
        by_action = indicators_for(entry.report.round, [entry.action_id])
    return by_action.get(entry.action_id, [])


FIELD_PREFIX = "fig_"


def field_name(indicator: Indicator, category: str, column: str) -> str:
    """The form field of one number: fig_<indicator id>_<category>_<column>."""
    return f"{FIELD_PREFIX}{indicator.id}_{category}_{column}"


def cells(indicators: list[Indicator]) -> list[tuple[Indicator, str, str]]:
    return [(i, c, col) for i in indicators for c in ind.categories(i.disaggregation) for col in ind.COLUMN_NAMES]


def typed_values(entry: Entry, indicators: list[Indicator]) -> dict[str, str]:
    """The entry's saved figures as the form shows them (field name -> text)."""
    saved = {(f.indicator_id, f.category): f for f in entry.figures}
    out = {}
    for indicator, category, column in cells(indicators):
        row = saved.get((indicator.id, category))
        out[field_name(indicator, category, column)] = ind.plain(getattr(row, column) if row else None) or ""
    return out


def plain_shape(indicators: list[Indicator], values: dict[tuple[int, str], dict[str, str | None]]
                ) -> list[dict[str, Any]]:
    return [{"key": i.key, "name": i.name, "unit": i.unit, "categories": list(ind.categories(i.disaggregation)),
             "values": {c: {col: (values.get((i.id, c)) or {}).get(col) for col in ind.COLUMN_NAMES}
                        for c in ind.categories(i.disaggregation)}} for i in indicators]


def snapshot_of(entry: Entry, indicators: list[Indicator]) -> list[dict[str, Any]]:
    """The entry's figures in the plain shape (the snapshot's)."""
    values = {(f.indicator_id, f.category): {col: ind.plain(getattr(f, col)) for col in ind.COLUMN_NAMES}
              for f in entry.figures}
    return plain_shape(indicators, values)


def shape_of_typed(indicators: list[Indicator], typed: dict[str, str]) -> list[dict[str, Any]]:
    """What a form says, in the plain shape (the conflict page and the preview compare it)."""
    values: dict[tuple[int, str], dict[str, str | None]] = {}
    for indicator, category, column in cells(indicators):
        text = (typed.get(field_name(indicator, category, column)) or "").strip()
        values.setdefault((indicator.id, category), {})[column] = text or None
    return plain_shape(indicators, values)


def _refusal(refusal: ind.Refusal, unit: str) -> str:
    if refusal.kind == "negative":
        return str(gettext("a figure cannot be negative (you entered %(entered)s).", entered=refusal.entered))
    if refusal.kind == "whole":
        return str(gettext("%(unit)s are counted in whole numbers (you entered %(entered)s).",
                           unit=gettext(ind.unit_label(unit)), entered=refusal.entered))
    if refusal.kind == "places":
        return str(gettext("at most two decimal places are accepted (you entered %(entered)s).",
                           entered=refusal.entered))
    if refusal.kind == "large":
        return str(gettext("the figure is too large (you entered %(entered)s).", entered=refusal.entered))
    if refusal.kind == "most":
        return str(gettext("a percentage is at most %(most)s (you entered %(entered)s).", most=refusal.most,
                           entered=refusal.entered))
    return str(gettext("enter a number, such as 12 or 3.5 (you entered “%(entered)s”).", entered=refusal.entered))


def check(entry_code: str, indicators: list[Indicator], typed: dict[str, str]
          ) -> tuple[Parsed, list[tuple[str, str]]]:
    """The typed figures as numbers, and (field name, message) for each refused one; each message names
    the entry, the indicator, the category and the column."""
    parsed: Parsed = {}
    problems = []
    for indicator, category, column in cells(indicators):
        name = field_name(indicator, category, column)
        value, refusal = ind.parse_figure(typed.get(name), indicator.unit)
        if refusal is not None:
            where = indicator.name
            if category != ind.TOTAL:
                where += f" ({gettext(ind.CATEGORY_LABELS[category]).lower()})"
            problems.append((name, str(gettext(
                "%(entry)s, figures, %(indicator)s, %(column)s: %(error)s", entry=entry_code, indicator=where,
                column=gettext(dict(ind.COLUMNS)[column]).lower(), error=_refusal(refusal, indicator.unit)))))
        parsed[(indicator.id, category, column)] = value
    return parsed, problems


def write(entry: Entry, indicators: list[Indicator], parsed: Parsed) -> None:
    """The checked figures into the entry's rows: a category with no number at all has no row."""
    saved = {(f.indicator_id, f.category): f for f in entry.figures}
    for indicator in indicators:
        for category in ind.categories(indicator.disaggregation):
            numbers = {col: parsed.get((indicator.id, category, col)) for col in ind.COLUMN_NAMES}
            row = saved.get((indicator.id, category))
            if all(v is None for v in numbers.values()):
                if row is not None:
                    entry.figures.remove(row)
                continue
            if row is None:
                row = Figure(indicator_id=indicator.id, category=category)
                entry.figures.append(row)
            for col, value in numbers.items():
                setattr(row, col, value)


# --- into the next round ----------------------------------------------------------------------------

def prefill(report: Report) -> int:
    """Baselines and targets of the previous round's approved report, where this draft has no figure yet.

    Matched by entry key, indicator key and category: an indicator the Commission adds again in the
    next round under the same name is carried as the catalogue's are. Returns how many rows were made.
    """
    revision = previous_round_revision(report)
    if revision is None:
        return 0
    before = {e["key"]: {f["key"]: f for f in e.get("figures") or []} for e in revision.snapshot.get("entries", [])}
    by_action = indicators_for(report.round)
    made = 0
    for entry in report.entries:
        old = before.get(entry.key)
        if not old:
            continue
        have = {(f.indicator_id, f.category) for f in entry.figures}
        for indicator in of_entry(entry, by_action):
            item = old.get(indicator.key)
            if item is None or item.get("unit") != indicator.unit:
                continue
            for category in ind.categories(indicator.disaggregation):
                values = (item.get("values") or {}).get(category) or {}
                baseline, target = ind.decimal(values.get("baseline")), ind.decimal(values.get("target"))
                if (indicator.id, category) in have or (baseline is None and target is None):
                    continue
                entry.figures.append(Figure(indicator_id=indicator.id, category=category, baseline=baseline,
                                            target=target))
                made += 1
    db.session.flush()
    return made


# --- defined by the Commission for a round ------------------------------------------------------------

def add_round_indicator(rnd: Round, action_code: str, name: str, unit: str, disaggregation: str, user: User
                        ) -> Indicator:
    """An indicator the Commission asks for in this round only; open drafts get it at once (with the
    previous round's baseline and target when an indicator of that name was reported there)."""
    from ctportal.models import ReportState

    action = db.session.scalar(sa.select(Action).where(Action.plan_version_id == rnd.plan_version_id,
                                                       Action.code == action_code.strip()))
    if action is None:
        raise DomainError(gettext("There is no action %(code)s in this round's plan.", code=action_code[:20]),
                          field="action_code")
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(gettext("Give the indicator a name."), field="name")
    if len(name) > 200:
        raise DomainError(gettext("The name is %(num)d characters long; at most 200 fit.", num=len(name)), field="name")
    if unit not in ind.UNITS:
        raise DomainError(gettext("Choose one of the listed units."), field="unit")
    if disaggregation not in ind.DISAGGREGATIONS:
        raise DomainError(gettext("Choose one of the listed disaggregations."), field="disaggregation")
    key = ind.key_of(name)
    if not key:
        raise DomainError(gettext("Give the indicator a name with letters or digits."), field="name")
    if any(i.key == key for i in indicators_for(rnd, [action.id]).get(action.id, [])):
        raise DomainError(gettext("Action %(code)s already has an indicator of that name in this round.",
                                  code=action.code), field="name")
    indicator = Indicator(plan_version_id=rnd.plan_version_id, action_id=action.id, round_id=rnd.id, key=key,
                          name=name, unit=unit, disaggregation=disaggregation, position=1, created_by_id=user.id)
    db.session.add(indicator)
    db.session.flush()
    audit.record("indicator.added", indicator, actor=user, round_id=rnd.id, action_code=action.code, key=key,
                 unit=unit)
    editable = (ReportState.draft, ReportState.changes_requested)
    for report in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id, Report.state.in_(editable))):
        prefill(report)
    return indicator


def round_indicators(rnd: Round) -> list[Indicator]:
    """Every indicator of the round, in the plan's order (the Commission's screen lists them)."""
    return list(db.session.scalars(
        sa.select(Indicator).join(Action, Action.id == Indicator.action_id)
        .where(Indicator.plan_version_id == rnd.plan_version_id,
               sa.or_(Indicator.round_id.is_(None), Indicator.round_id == rnd.id))
        .order_by(Action.objective_id, Action.position, Indicator.round_id.is_not(None), Indicator.position,
                  Indicator.id)))
