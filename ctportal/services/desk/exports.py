"""Exports of a round (or one party's report) as XLSX and CSV.

The rows are exactly what the user may see on screen (services/progress_map.round_data): a
party user its own party; the Commission approved data, and submitted data marked "not yet
approved"; review notes and internal comments only for the Commission. Every export is
recorded in the audit trail by the caller (the view), with what it contained.
"""
from __future__ import annotations

import csv
import io
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ctportal import policy
from ctportal.models import Assessment, Comment, EntryReview, Objective, Round, Verdict, Visibility, db
from ctportal.domain import entry_fields, indicators
from ctportal.domain.parties import FootnoteTracker, display_name
from ctportal.services.desk.progress_map import COUNT_ONLY, PartyData, follow_up_rows, round_data

BASE_COLUMNS = [
    ("party", "Party"), ("party_code", "Party code"), ("data", "Data shown"), ("revision", "Revision"),
    ("objective", "Objective"), ("action_code", "Action code"), ("entry_kind", "Entry kind"),
    ("priority_text", "Priority action"), ("priority_target", "Priority target date"),
    *((f.name, f.label) for f in entry_fields.FIELDS),
    ("figures", "Figures"),
    ("documents", "Documents"), ("verdict", "Review verdict"),
    ("shared_comments", "Comments (shared with the party)"),
]
# Columns of long text: Markdown fields, rows, priorities and comments.
WIDE_COLUMNS = frozenset(
    [f.name for f in entry_fields.TEXT_FIELDS if f.markdown] + [f.name for f in entry_fields.ROWS_FIELDS]
    + ["priority_text", "shared_comments", "internal_comments", "recommendation", "figures"])
# The "Figures" sheet: one row per party, action, indicator and category, the numbers as numbers.
FIGURE_COLUMNS = ["Party", "Data shown", "Action code", "Indicator", "Unit", "Category", "Baseline", "Target",
                  "Actual"]
# The Commission's own: its assessment, its review notes and internal comments (policy.may_see_assessment).
COMMISSION_COLUMNS = [("assessment", "Commission assessment"), ("review_note", "Review note (internal)"),
                      ("internal_comments", "Internal comments")]


def columns_for(user: Any) -> list[tuple[str, str]]:
    return BASE_COLUMNS + (COMMISSION_COLUMNS if policy.is_commission(user) else [])


def _reviews(data: PartyData) -> dict[str, EntryReview]:
    if data.revision is None:
        return {}
    return {r.entry_key: r for r in db.session.scalars(
        sa.select(EntryReview).where(EntryReview.revision_id == data.revision.id))}


def _comments(data: PartyData, commission: bool) -> dict[tuple[int | None, str], list[str]]:
    """Comment bodies per (entry id, visibility); internal ones only ever fetched for the Commission."""
    query = sa.select(Comment).where(Comment.report_id == data.report.id, Comment.is_system.is_(False),
                                     Comment.entry_id.is_not(None)).order_by(Comment.created_at, Comment.id)
    if not commission:
        query = query.where(Comment.visibility == Visibility.shared)
    found: dict[tuple[int | None, str], list[str]] = {}
    for c in db.session.scalars(query):
        author = c.author.name if c.author else ""
        found.setdefault((c.entry_id, c.visibility.value), []).append(
            f"{author} ({c.created_at:%Y-%m-%d}): {c.body}" + (" [resolved]" if c.resolved_at else ""))
    return found


def rows_for(rnd: Round, user: Any, party_data: list[PartyData] | None = None) -> list[dict[str, Any]]:
    commission = policy.is_commission(user)
    tracker = FootnoteTracker()
    rows = []
    for data in party_data if party_data is not None else round_data(rnd, user):
        if data.source == COUNT_ONLY:
            continue
        internal = commission and policy.may_see_assessment(user, data.report)
        reviews = _reviews(data)
        comments = _comments(data, internal)
        entry_ids = {e.key: e.id for e in data.report.entries}
        for key, entry in data.entries.items():
            review = reviews.get(key)
            entry_id = entry_ids.get(key)
            priority = entry.get("priority") or {}
            row = {
                "party": tracker.mention(data.party), "party_code": data.party.code,
                "data": data.source_title, "revision": data.revision.number if data.revision else "",
                "objective": entry["objective"], "action_code": entry["action_code"],
                "entry_kind": entry["kind"], "priority_text": priority.get("text", ""),
                "priority_target": priority.get("target_date") or "",
                **{f.name: entry_fields.field_text(entry, f.name) for f in entry_fields.FIELDS},
                "figures": "\n".join(indicators.figure_lines(entry.get("figures"))),
                "documents": "\n".join(d.get("original_name", "") for d in entry.get("documents", [])),
                "verdict": Verdict(review.verdict.value).title if review and review.verdict else "",
                "shared_comments": "\n".join(comments.get((entry_id, "shared"), [])),
            }
            if internal:
                row["assessment"] = Assessment(review.assessment.value).title if review and review.assessment else ""
                row["review_note"] = review.note if review else ""
                row["internal_comments"] = "\n".join(comments.get((entry_id, "internal"), []))
            rows.append(row)
    return rows


# The rows: progress_map.follow_up_rows (the map shows the same).
FOLLOW_UP_COLUMNS = [("party", "Party"), ("data", "Data shown"), ("round", "Recommendation of"),
                     ("number", "Recommendation"), ("recommendation", "Recommendation text"),
                     ("codes", "Action codes"), ("status", "Follow-up status"), ("narrative", "Follow-up narrative")]


def export_rows(rnd: Round, user: Any,
                party_data: list[PartyData] | None = None) -> tuple[list[dict[str, Any]], list[str], list[PartyData]]:
    data = party_data if party_data is not None else round_data(rnd, user)
    rows = rows_for(rnd, user, data)
    footnotes = sorted({p.party.name_footnote for p in data if p.party.name_footnote})
    return rows, footnotes, data


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> Any:
    # A cell starting like a formula would run in a spreadsheet: make it plain text.
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _, title in columns])
    for row in rows:
        writer.writerow([_csv_safe(row.get(name, "")) for name, _ in columns])
    # A byte-order mark lets spreadsheet programs read the UTF-8 (Cyrillic, Albanian) correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _write_sheet(ws: Worksheet, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
    ws.append([title for _, title in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(name, "") for name, _ in columns])
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            # openpyxl makes any text starting with "=" a formula; exported text is never one.
            if cell.data_type == "f":
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    for i, (name, _) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = 60 if name in WIDE_COLUMNS else 18


def _number(value: Any) -> Any:
    number = indicators.decimal(value)
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _figures_sheet(wb: Workbook, data: list[PartyData]) -> None:
    """Every figure shown, and below them each indicator's actual summed across the parties that gave it
    (domain/indicators.totals: the same action, indicator and unit only)."""
    shown = [p for p in data if p.source != COUNT_ONLY]
    lines = []
    for p in shown:
        for entry in p.entries.values():
            for item in entry.get("figures") or []:
                for category in item.get("categories") or [indicators.TOTAL]:
                    values = (item.get("values") or {}).get(category) or {}
                    if all(values.get(c) in (None, "") for c in indicators.COLUMN_NAMES):
                        continue
                    lines.append([display_name(p.party), p.source_title, entry["action_code"], item["name"],
                                  item.get("unit", ""), indicators.CATEGORY_LABELS.get(category, category),
                                  *(_number(values.get(c)) for c in indicators.COLUMN_NAMES)])
    if not lines:
        return
    ws = wb.create_sheet("Figures")
    ws.append(FIGURE_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in lines:
        ws.append(line)
    ws.append([])
    ws.append(["Totals across parties (actual)", "", "Action code", "Indicator", "Unit", "Category", "", "", "Actual"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for total in indicators.totals([(display_name(p.party), p.entries) for p in shown]):
        for category in total.categories:
            value = total.total(category)
            if value is not None:
                ws.append([f"{len(total.by_party)} parties", "", total.action_code, total.name, total.unit,
                           indicators.CATEGORY_LABELS.get(category, category), None, None, _number(value)])
    for letter, width in zip("ABCDEFGHI", (28, 24, 12, 50, 10, 12, 12, 12, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def to_xlsx(rnd: Round, user: Any, rows: list[dict[str, Any]], columns: list[tuple[str, str]],
            data: list[PartyData], footnotes: list[str]) -> bytes:
    from ctportal.models import utcnow
    from ctportal.services.desk.progress_map import build_map

    wb = Workbook()
    summary = wb.active
    assert isinstance(summary, Worksheet)  # a new workbook always has its one worksheet active
    summary.title = "Summary"
    summary.append([rnd.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["Document", rnd.document_number])
    summary.append(["Reporting period", f"{rnd.period_start.isoformat()} – {rnd.period_end.isoformat()}"])
    summary.append(["Meeting", f"{rnd.meeting_name}, {rnd.meeting_place}, {rnd.meeting_date.isoformat()}"])
    summary.append(["Exported", f"{utcnow():%Y-%m-%d %H:%M} UTC by {user.email}"])
    summary.append(["Marking", "LIMITE"])
    summary.append([])
    objectives = list(db.session.scalars(sa.select(Objective).where(
        Objective.plan_version_id == rnd.plan_version_id).order_by(Objective.number)))
    header = ["Party", "Data shown", "Report state", "Entries answered", "Entries in the export"]
    for o in objectives:
        header += [f"Obj. {o.number} achieved", f"Obj. {o.number} in progress", f"Obj. {o.number} not started"]
    summary.append(header)
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    pmap = build_map(rnd, user)
    shares = pmap.shares
    for p in data:
        line = [display_name(p.party), p.source_title, p.report.state.title, f"{p.answered} / {p.total}",
                0 if p.source == COUNT_ONLY else len(p.entries)]
        for o in objectives:
            s = shares.get(p.party.id, {}).get(o.number)
            line += [s.achieved, s.in_progress, s.not_started] if s and p.has_statuses else ["", "", ""]
        summary.append(line)
    summary.append([])
    for note in footnotes:
        summary.append([note])
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 30

    entries = wb.create_sheet("All entries")
    _write_sheet(entries, columns, rows)
    for o in objectives:
        ws = wb.create_sheet(f"Objective {o.number}")
        _write_sheet(ws, columns, [r for r in rows if r["objective"] == o.number])
    followed = follow_up_rows(data)
    if followed:
        _write_sheet(wb.create_sheet("Recommendations followed up"), FOLLOW_UP_COLUMNS, followed)
    _figures_sheet(wb, data)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
