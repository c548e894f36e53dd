"""What a report still lacks before it can be submitted."""
from __future__ import annotations

from dataclasses import dataclass

from ctportal.models import Entry, Report
from ctportal.services.reporting.progress import unanswered_field


@dataclass(frozen=True)
class MissingItem:
    entry_id: int
    key: str
    objective: int
    field: str        # the form field to fix: "status", "narrative" or "na_justification"
    message: str


def missing_items(report: Report) -> list[MissingItem]:
    """Every entry not yet answered (progress.unanswered_field), with what to fix."""
    missing = []
    for entry in report.entries:
        missing.extend(_entry_missing(entry))
    return missing


_WHAT_TO_DO = {
    "status": "choose an implementation status.",
    "na_justification": "explain why the action does not apply.",
    "narrative": "describe the progress made.",
}


def _entry_missing(entry: Entry) -> list[MissingItem]:
    field = unanswered_field(entry)
    if field is None:
        return []
    label = entry.key if entry.priority_action_id is None else f"priority action on {entry.action.code}"
    return [MissingItem(entry.id, entry.key, entry.action.objective.number, field, f"{label}: {_WHAT_TO_DO[field]}")]
