"""How far a report is: answered entries per objective, counted by one rule."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ctportal.models import Action, Entry, EntryKind, EntryStatus, Objective, Report, db


def unanswered_field(entry: Entry) -> str | None:
    """The field an entry still lacks to count as answered, or None: every entry needs a status and a
    narrative; "not applicable" needs a justification instead of the narrative."""
    if entry.status is None:
        return "status"
    if entry.status == EntryStatus.not_applicable:
        return None if entry.na_justification.strip() else "na_justification"
    return None if entry.narrative.strip() else "narrative"


def entry_is_answered(entry: Entry) -> bool:
    return unanswered_field(entry) is None


def answered_clause() -> sa.ColumnElement[bool]:
    """The same rule as unanswered_field, as SQL, for counting many reports at once."""
    return sa.and_(
        Entry.status.is_not(None),
        sa.or_(
            sa.and_(Entry.status == EntryStatus.not_applicable, sa.func.trim(Entry.na_justification) != ""),
            sa.and_(Entry.status != EntryStatus.not_applicable, sa.func.trim(Entry.narrative) != ""),
        ),
    )


@dataclass
class ObjectiveProgress:
    number: int
    title: str
    answered: int = 0
    total: int = 0


@dataclass
class ReportProgress:
    answered: int = 0
    total: int = 0
    objectives: list[ObjectiveProgress] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def report_progress(report: Report) -> ReportProgress:
    rows = db.session.execute(
        sa.select(Objective.number, Objective.title, sa.func.count(Entry.id),
                  sa.func.count(Entry.id).filter(answered_clause()))
        .join(Action, Action.objective_id == Objective.id)
        .join(Entry, Entry.action_id == Action.id)
        .where(Entry.report_id == report.id)
        .group_by(Objective.number, Objective.title)
        .order_by(Objective.number)
    ).all()
    result = ReportProgress()
    for number, title, total, answered in rows:
        result.objectives.append(ObjectiveProgress(number, title, answered, total))
        result.total += total
        result.answered += answered
    return result


def progress_counts(report_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(answered, total) per report, in one query: what reviewers see of a draft."""
    if not report_ids:
        return {}
    rows = db.session.execute(
        sa.select(Entry.report_id, sa.func.count(Entry.id).filter(answered_clause()), sa.func.count(Entry.id))
        .where(Entry.report_id.in_(report_ids)).group_by(Entry.report_id)).all()
    return {rid: (answered, total) for rid, answered, total in rows}


__all__ = ["unanswered_field", "entry_is_answered", "answered_clause", "report_progress", "progress_counts",
           "EntryKind"]
