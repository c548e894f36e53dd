"""What a report still lacks before it can be submitted."""
from __future__ import annotations

from dataclasses import dataclass

from ctportal.models import Entry, EntryStatus, Report


@dataclass(frozen=True)
class MissingItem:
    entry_id: int
    key: str
    objective: int
    field: str        # the form field to fix: "status", "narrative" or "na_justification"
    message: str


def missing_items(report: Report) -> list[MissingItem]:
    """Every entry needs a status and a narrative; "not applicable" needs a justification instead."""
    missing = []
    for entry in report.entries:
        missing.extend(_entry_missing(entry))
    return missing


def _entry_missing(entry: Entry) -> list[MissingItem]:
    label = entry.key if entry.priority_action_id is None else f"priority action on {entry.action.code}"
    objective = entry.action.objective.number
    if entry.status is None:
        return [MissingItem(entry.id, entry.key, objective, "status", f"{label}: choose an implementation status.")]
    if entry.status == EntryStatus.not_applicable:
        if not entry.na_justification.strip():
            return [MissingItem(entry.id, entry.key, objective, "na_justification",
                                f"{label}: explain why the action does not apply.")]
        return []
    if not entry.narrative.strip():
        return [MissingItem(entry.id, entry.key, objective, "narrative", f"{label}: describe the progress made.")]
    return []
