"""What a report still lacks before it can be submitted."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from ctportal.domain import entry_fields
from ctportal.models import Entry, Report
from ctportal.services.reporting import follow_ups
from ctportal.services.reporting.plan_cache import action_of
from ctportal.services.reporting.progress import unanswered_field


@dataclass(frozen=True)
class MissingItem:
    entry_id: int
    key: str
    objective: int
    field: str        # the form field to fix: "status", "narrative" or "na_justification"
    message: str
    follow_up_id: int | None = None   # set for a follow-up item of a recommendation (entry_id is 0)


def missing_items(report: Report) -> list[MissingItem]:
    """Every entry not yet answered (progress.unanswered_field), with what to fix."""
    missing = []
    for entry in report.entries:
        missing.extend(_entry_missing(entry))
    for item in follow_ups.of_report(report):
        field = follow_ups.unanswered_field(item)
        if field is not None:
            message = (gettext("Recommendation %(n)s: say how far it was implemented.", n=item.number)
                       if field == "status" else
                       gettext("Recommendation %(n)s: describe what was done on it.", n=item.number))
            missing.append(MissingItem(0, f"R{item.number}", 0, field, message, item.id))
    return missing


_WHAT_TO_DO = {
    "status": "choose an implementation status.",
    "na_justification": "explain why the action does not apply.",
    "narrative": "describe the progress made.",
}


def _entry_missing(entry: Entry) -> list[MissingItem]:
    action = action_of(entry)
    label = entry.key if entry.priority_action_id is None else f"priority action on {action.code}"
    field = unanswered_field(entry)
    if field is not None:
        return [MissingItem(entry.id, entry.key, action.objective.number, field,
                            f"{label}: {_WHAT_TO_DO[field]}")]
    return [MissingItem(entry.id, entry.key, action.objective.number, text.name, f"{label}: {why}")
            for text, why in required_texts(entry)]


def required_texts(entry: Entry) -> list[tuple[entry_fields.TextField, str]]:
    """Fields that another field's length makes required (entry_fields.TextField.required_after)."""
    out = []
    for text in entry_fields.TEXT_FIELDS:
        if text.required_after is None or (getattr(entry, text.name) or "").strip():
            continue
        other, length = text.required_after
        if len(getattr(entry, other) or "") > length:
            out.append((text, f"write the {text.label.lower()}: the {entry_fields.LABELS[other].lower()} "
                              f"is longer than {length:,} characters."))
    return out
