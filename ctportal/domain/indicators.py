"""Figures per action (issue 18, item 4): what an indicator is, how its numbers are checked and written.

An indicator is defined in the plan catalogue (an action's `indicators:` list) or by the Commission
for one round (services/reporting/figures.py). It has a name, a unit of UNITS and an optional
disaggregation of DISAGGREGATIONS; a party gives, per round and per category, a baseline, a target
and the actual figure.

The plain shape every reader shares is the snapshot's, one item per indicator of the entry's action:

    {"key": "returnees", "name": "Returnees", "unit": "persons", "categories": ["adults", "minors"],
     "values": {"adults": {"baseline": "12", "target": "20", "actual": null}, "minors": {...}}}

Numbers are strings in their shortest exact form ("12", "3.5"), or None when not given; sums are
made with Decimal, never with floats. Names, units and categories stay English here: screens
translate them (`_(label)`), PDFs and exports print them as they are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional marker
    return message


@dataclass(frozen=True)
class Unit:
    name: str           # as stored and printed: "persons"
    label: str          # as the form and the screens say it (translated there)
    whole: bool         # counted in whole numbers
    most: Decimal | None = None   # the largest sensible value (a percentage: 100)


UNITS: dict[str, Unit] = {u.name: u for u in (
    Unit("persons", N_("persons"), True),
    Unit("cases", N_("cases"), True),
    Unit("events", N_("events"), True),
    Unit("EUR", N_("EUR"), False),
    Unit("percent", N_("percent"), False, Decimal(100)),
)}

TOTAL = "total"
# The categories of each disaggregation ("" = none: one figure, the total).
DISAGGREGATIONS: dict[str, tuple[str, ...]] = {"": (TOTAL,), "age": ("adults", "minors"), "sex": ("women", "men")}
DISAGGREGATION_LABELS = {"": N_("None"), "age": N_("Adults and minors"), "sex": N_("Women and men")}
CATEGORY_LABELS = {TOTAL: N_("Total"), "adults": N_("Adults"), "minors": N_("Minors"),
                   "women": N_("Women"), "men": N_("Men")}
COLUMNS: tuple[tuple[str, str], ...] = (("baseline", N_("Baseline")), ("target", N_("Target")),
                                        ("actual", N_("Actual")))
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)

LARGEST = Decimal(10) ** 12
PLACES = 2
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def categories(disaggregation: str) -> tuple[str, ...]:
    return DISAGGREGATIONS[disaggregation]


def key_of(name: str) -> str:
    """A stable key made of a name ("Returned FTFs" -> "returned-ftfs"): how rounds and parties are matched."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:60]


def valid_key(key: str) -> bool:
    return bool(_KEY.fullmatch(key)) and len(key) <= 60


@dataclass(frozen=True)
class Refusal:
    """Why a figure is refused; `kind` says which message, `most` the bound a percentage broke."""

    kind: str   # "number" | "negative" | "whole" | "places" | "large" | "most"
    entered: str = ""
    most: str = ""


def parse_figure(raw: Any, unit: str) -> tuple[Decimal | None, Refusal | None]:
    """A typed figure as a Decimal (None when empty), or why it is refused. Spaces and thousands
    separators written as spaces are ignored; a decimal comma is read as a point."""
    text = re.sub(r"[\s\u00a0\u202f]", "", str(raw if raw is not None else ""))
    if not text:
        return None, None
    if not _NUMBER.fullmatch(text):
        return None, Refusal("number", str(raw)[:30])
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, Refusal("number", str(raw)[:30])
    described = UNITS.get(unit)
    if value < 0:
        return None, Refusal("negative", text)
    if value >= LARGEST:
        return None, Refusal("large", text)
    if described is not None and described.whole and value != value.to_integral_value():
        return None, Refusal("whole", text)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > PLACES:
        return None, Refusal("places", text)
    if described is not None and described.most is not None and value > described.most:
        return None, Refusal("most", text, plain(described.most) or "")
    return value, None


def plain(value: Decimal | None) -> str | None:
    """A Decimal in its shortest exact form ("12", "3.5"), as the snapshot stores it."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def shown_number(value: Any) -> str:
    """A stored figure as a page or a PDF writes it: thousands in thin spaces, "—" when not given."""
    number = decimal(value)
    if number is None:
        return "—"
    whole, _, part = (plain(number) or "").partition(".")
    groups = f"{int(whole):,}".replace(",", "\u202f")
    return f"{groups}.{part}" if part else groups


def unit_label(unit: str) -> str:
    return UNITS[unit].label if unit in UNITS else unit


def figure_lines(figures: list[dict[str, Any]] | None) -> list[str]:
    """Each given figure as a line of plain text (what diffs and exports compare and print)."""
    lines = []
    for item in figures or []:
        for category in item.get("categories") or [TOTAL]:
            values = (item.get("values") or {}).get(category) or {}
            if not any(values.get(c) not in (None, "") for c in COLUMN_NAMES):
                continue
            where = item["name"]
            if category != TOTAL:
                where += f", {CATEGORY_LABELS.get(category, category).lower()}"
            numbers = "; ".join(f"{label.lower()} {values.get(name) if values.get(name) not in (None, '') else '—'}"
                                for name, label in COLUMNS)
            lines.append(f"{where} ({item.get('unit', '')}): {numbers}")
    return lines


def has_figures(figures: list[dict[str, Any]] | None) -> bool:
    return bool(figure_lines(figures))


def total_of(item: dict[str, Any], column: str) -> Decimal | None:
    """One column of an indicator summed over its categories; None when no category gives it."""
    found = [decimal(((item.get("values") or {}).get(c) or {}).get(column)) for c in item.get("categories") or [TOTAL]]
    given = [v for v in found if v is not None]
    return sum(given, Decimal(0)) if given else None


@dataclass
class Total:
    """An indicator summed across parties: comparable figures only (the same key, name and unit)."""

    key: str
    action_code: str
    name: str
    unit: str
    categories: tuple[str, ...]
    by_party: dict[str, dict[str, Decimal | None]]          # party -> category -> actual
    parties: list[str]

    def total(self, category: str) -> Decimal | None:
        given = [v.get(category) for v in self.by_party.values() if v.get(category) is not None]
        return sum((g for g in given if g is not None), Decimal(0)) if given else None

    def party_total(self, party: str) -> Decimal | None:
        given = [v for v in self.by_party.get(party, {}).values() if v is not None]
        return sum(given, Decimal(0)) if given else None

    def grand_total(self) -> Decimal | None:
        given = [t for t in (self.party_total(p) for p in self.by_party) if t is not None]
        return sum(given, Decimal(0)) if given else None


def totals(per_party: list[tuple[str, dict[str, dict[str, Any]]]]) -> list[Total]:
    """The actual figures of each indicator summed across parties.

    `per_party`: (party name, entry key -> snapshot entry) in the order to print. Indicators are
    the same when their action, key and unit are: a party's figure under another unit is never
    added to them (a revised definition between two submissions, say).
    """
    found: dict[tuple[str, str, str], Total] = {}
    for party, entries in per_party:
        for entry in entries.values():
            if entry.get("kind") == "priority":
                continue
            for item in entry.get("figures") or []:
                ident = (entry["action_code"], item["key"], item.get("unit", ""))
                cats = tuple(item.get("categories") or [TOTAL])
                total = found.get(ident)
                if total is None:
                    total = found[ident] = Total(item["key"], entry["action_code"], item["name"], item.get("unit", ""),
                                                 cats, {}, [])
                if total.categories != cats:
                    continue
                actuals = {c: decimal(((item.get("values") or {}).get(c) or {}).get("actual")) for c in cats}
                if any(v is not None for v in actuals.values()):
                    total.by_party[party] = actuals
                if party not in total.parties:
                    total.parties.append(party)
    return list(found.values())
