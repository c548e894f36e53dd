"""What a report still lacks before it can be submitted."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _

from ctportal.domain import entry_fields
from ctportal.domain.formatting import number
from ctportal.models import Entry, EntryStatus, Report
from ctportal.services.reporting import follow_ups
from ctportal.services.reporting.plan_cache import action_of
from ctportal.services.reporting.previous import previous_round_revision
from ctportal.services.reporting.progress import unanswered_field

# How far an action has come, for "lower than in the previous round". "Not applicable" is no step of
# it: a change to or from it is explained by its own justification.
PROGRESS_ORDER = (EntryStatus.not_started, EntryStatus.planned, EntryStatus.in_progress,
                  EntryStatus.partially_achieved, EntryStatus.achieved)


@dataclass(frozen=True)
class MissingItem:
    entry_id: int
    key: str
    objective: int
    field: str        # the form field to fix: "status", "narrative" or "na_justification"
    message: str
    follow_up_id: int | None = None   # set for a follow-up item of a recommendation (entry_id is 0)


def missing_items(report: Report) -> list[MissingItem]:
    """Every entry not yet answered (progress.unanswered_field), with what to fix; and every entry whose
    status went down since the previous round without a word why (lower_status)."""
    before = previous_statuses(report)
    missing = []
    for entry in report.entries:
        found = _entry_missing(entry)
        if not found and lower_status(entry, before.get(entry.key)) and not entry.lower_status_reason.strip():
            found = [MissingItem(entry.id, entry.key, action_of(entry).objective.number, "lower_status_reason", _(
                "%(entry)s: the status “%(now)s” is lower than “%(before)s”, approved in the previous round: "
                "explain why.", entry=_label(entry), now=entry.status.title if entry.status else "",
                before=before[entry.key].title))]
        missing.extend(found)
    for item in follow_ups.of_report(report):
        field = follow_ups.unanswered_field(item)
        if field is not None:
            message = (_("Recommendation %(n)s: say how far it was implemented.", n=item.number)
                       if field == "status" else
                       _("Recommendation %(n)s: describe what was done on it.", n=item.number))
            missing.append(MissingItem(0, f"R{item.number}", 0, field, message, item.id))
    return missing


def previous_statuses(report: Report) -> dict[str, EntryStatus]:
    """Entry key -> its status in the party's approved revision of the previous round (previous.py)."""
    revision = previous_round_revision(report)
    out: dict[str, EntryStatus] = {}
    for item in (revision.snapshot.get("entries", []) if revision is not None else []):
        try:
            out[item["key"]] = EntryStatus(item.get("status"))
        except (KeyError, ValueError):
            continue  # no status then: nothing to be lower than
    return out


def lower_status(entry: Entry, before: EntryStatus | None) -> bool:
    """Whether the entry's status is a step back from `before` on PROGRESS_ORDER."""
    if entry.status not in PROGRESS_ORDER or before not in PROGRESS_ORDER:
        return False
    return PROGRESS_ORDER.index(entry.status) < PROGRESS_ORDER.index(before)


def _label(entry: Entry) -> str:
    return entry.key if entry.priority_action_id is None else _("priority action on %(code)s",
                                                                  code=action_of(entry).code)


def _what_to_do(field: str) -> str:
    """What an unanswered field asks for, in the page's language (English for the API and jobs)."""
    if field == "status":
        return str(_("choose an implementation status."))
    if field == "na_justification":
        return str(_("explain why the action does not apply."))
    return str(_("describe the progress made."))


def _entry_missing(entry: Entry) -> list[MissingItem]:
    action = action_of(entry)
    label = _label(entry)
    field = unanswered_field(entry)
    if field is not None:
        return [MissingItem(entry.id, entry.key, action.objective.number, field,
                            _("%(field)s: %(error)s", field=label, error=_what_to_do(field)))]
    return [MissingItem(entry.id, entry.key, action.objective.number, text.name,
                        _("%(field)s: %(error)s", field=label, error=why))
            for text, why in required_texts(entry)]


def required_texts(entry: Entry) -> list[tuple[entry_fields.TextField, str]]:
    """Fields that another field's length makes required (entry_fields.TextField.required_after)."""
    out = []
    for text in entry_fields.TEXT_FIELDS:
        if text.required_after is None or (getattr(entry, text.name) or "").strip():
            continue
        other, length = text.required_after
        if len(getattr(entry, other) or "") > length:
            out.append((text, _("write the %(field)s: the %(other)s is longer than %(length)s characters.",
                                field=_(text.label).lower(), other=_(entry_fields.LABELS[other]).lower(),
                                length=number(length, _locale()))))
    return out


def _locale() -> str | None:
    locale = get_locale()
    return str(locale) if locale else None
