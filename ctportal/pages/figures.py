"""The figures of an entry as the pages show them (issue 18, item 4): the form's boxes, the answer's
table with the previous round beside it, and the totals across parties."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ctportal.domain import indicators as ind
from ctportal.models import Indicator
from ctportal.services.reporting import figures as figure_service


@dataclass
class FormTable:
    indicator: Indicator
    rows: list[tuple[str, list[str]]]     # (category, the form field of each column)


def form_tables(indicators: list[Indicator]) -> list[FormTable]:
    return [FormTable(i, [(c, [figure_service.field_name(i, c, col) for col in ind.COLUMN_NAMES])
                          for c in ind.categories(i.disaggregation)]) for i in indicators]


@dataclass
class ShownRow:
    category: str
    numbers: list[str]                # baseline, target, actual, as written
    before: str | None = None         # the previous round's actual, when compared
    change: str | None = None         # "+3", "−2", "0"


@dataclass
class ShownTable:
    key: str
    name: str
    unit: str
    rows: list[ShownRow] = field(default_factory=list)
    compared: bool = False


def _change(now: Decimal | None, before: Decimal | None) -> str | None:
    if now is None or before is None:
        return None
    delta = now - before
    text = ind.shown_number(abs(delta))
    return f"+{text}" if delta > 0 else (f"\u2212{text}" if delta < 0 else "0")


def shown_tables(figures: list[dict[str, Any]] | None, before: list[dict[str, Any]] | None = None,
                 *, compare: bool = False) -> list[ShownTable]:
    """The figures given (in the plain shape), each with the previous round's actual and the change
    when `compare`; indicators with no number at all are left out."""
    earlier = {item["key"]: item for item in before or []}
    tables = []
    for item in figures or []:
        old = earlier.get(item["key"]) if compare else None
        if old is not None and old.get("unit") != item.get("unit"):
            old = None     # another unit: not comparable
        table = ShownTable(item["key"], item["name"], item.get("unit", ""), compared=compare)
        for category in item.get("categories") or [ind.TOTAL]:
            values = (item.get("values") or {}).get(category) or {}
            previous = ind.decimal(((old or {}).get("values") or {}).get(category, {}).get("actual")) if old else None
            actual = ind.decimal(values.get("actual"))
            if all(values.get(c) in (None, "") for c in ind.COLUMN_NAMES) and previous is None:
                continue
            table.rows.append(ShownRow(category, [ind.shown_number(values.get(c)) for c in ind.COLUMN_NAMES],
                                       ind.shown_number(previous) if compare else None, _change(actual, previous)))
        if table.rows:
            tables.append(table)
    return tables
