"""The offline form as an Excel workbook (XLSX): written and read with openpyxl (which parses through
defusedxml when it is installed, as it is here).

A sheet "Entries" holds one row per entry, one column per text field and the status (a list to choose
from); one sheet per rows field (measures, legal acts) holds one row per row, with empty rows offered
under each entry's. On every sheet, column A — hidden, and locked with the sheet's protection (no
password: it guards against a slip, not a person) — carries each row's entry reference
(`CTP-ENTRY-<id>-V<version>`), its first cell the form's reference; row 2, hidden too, the field names, so
the columns are found by name even if someone moves them. The action's code and text are locked.
A sheet "Figures" (only when an entry's action has indicators) holds one row per indicator and category
of each entry, the indicator locked, a column per baseline, target and actual, and in a last hidden,
locked column the row's key (`fig_<indicator>_<category>`: the web form's field names without the column).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ctportal.domain import entry_fields
from ctportal.domain import indicators as ind
from ctportal.domain.formatting import long_date
from ctportal.services.partner.offline_files import (ENTRY_REF, FIGURE_REF, FORM_REF, FiledEntry, FiledForm,
                                                     FormContent, FormRefused, clean_text)

BLANK_ROWS = 3
ENTRIES_SHEET = "entries"           # the marker in row 2 of column A: the sheet's part of the form
FIGURES_SHEET = "figures"
FIGURE_KEY = "figure"               # the hidden column of the figures sheet holding each row's key
FIRST_DATA_ROW = 3
_OPEN = Protection(locked=False)


def _sheet_head(ws: Worksheet, marker: str, reference: str, names: list[str], labels: list[str]) -> None:
    ws.cell(row=1, column=1, value=reference)
    ws.cell(row=2, column=1, value=marker)
    for i, (name, label) in enumerate(zip(names, labels, strict=True), start=2):
        ws.cell(row=1, column=i, value=label).font = Font(bold=True)
        ws.cell(row=2, column=i, value=name)
    ws.row_dimensions[2].hidden = True
    ws.column_dimensions["A"].hidden = True
    ws.freeze_panes = "D3"
    # Locked cells stay locked; rows may be added, formatted and deleted, the hidden column not changed.
    ws.protection.sheet = True
    ws.protection.insertRows = False
    ws.protection.deleteRows = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


def _cell(ws: Worksheet, row: int, column: int, value: Any, *, editable: bool, wrap: bool = True) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")
    if editable:
        cell.protection = _OPEN


def build(content: FormContent) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has its sheet
    ws.title = _("Entries")[:31]
    names = ["code", "action", *(f.name for f in entry_fields.FIELDS if not isinstance(f, entry_fields.RowsField))]
    labels = [_("Action"), _("Text of the action"),
              *(_(f.label) for f in entry_fields.FIELDS if not isinstance(f, entry_fields.RowsField))]
    _sheet_head(ws, ENTRIES_SHEET, content.reference, names, labels)
    titles = [title for _v, title in content.statuses]
    choose = DataValidation(type="list", formula1='"' + ",".join(titles) + '"', allow_blank=True)
    ws.add_data_validation(choose)
    for r, item in enumerate(content.entries, start=FIRST_DATA_ROW):
        ws.cell(row=r, column=1, value=item.reference)
        _cell(ws, r, 2, item.label, editable=False)
        _cell(ws, r, 3, item.action_text, editable=False)
        for c, name in enumerate(names[2:], start=4):
            value = item.values.get(name)
            if name == entry_fields.STATUS.name:
                value = next((t for v, t in content.statuses if v == value), "")
                choose.add(ws.cell(row=r, column=c))
            _cell(ws, r, c, value or "", editable=True)
    for c in range(2, len(names) + 2):
        ws.column_dimensions[get_column_letter(c)].width = 14 if c == 2 else 40
    for rows in entry_fields.ROWS_FIELDS:
        _rows_sheet(wb, content, rows)
    if any(item.figures for item in content.entries):
        _figures_sheet(wb, content)
    notes = wb.create_sheet(_("How to fill in")[:31])
    figures_hint = (_("Figures") + ": " + _(  # the web form's own hint
        "Optional: numbers only, without the unit. The baseline is where things stood when the measuring began, "
        "the target what is aimed at, the actual figure what was reached by the end of this reporting period. "
        "Baselines and targets are carried over from the previous round’s approved report."),
    ) if any(item.figures for item in content.entries) else ()
    for i, line in enumerate((content.title, _("Input of %(institution)s, requested by %(date)s.",
                                               institution=content.institution, date=long_date(content.deadline)),
                              _("Write in the white cells of each sheet. Do not delete rows you did not add, and do "
                                "not move cells between actions: the portal reads the form back by a hidden "
                                "reference on each row. Dates as YYYY-MM-DD. Save the file as .xlsx and send it "
                                "back."), *figures_hint), start=1):
        notes.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True)
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows_sheet(wb: Workbook, content: FormContent, rows: entry_fields.RowsField) -> None:
    ws = wb.create_sheet(_(rows.label)[:31])
    names = ["code", *(c.name for c in rows.columns)]
    _sheet_head(ws, rows.name, content.reference, names, [_("Action"), *(_(c.label) for c in rows.columns)])
    r = FIRST_DATA_ROW
    for item in content.entries:
        kept = [x for x in item.values.get(rows.name) or [] if not entry_fields.row_is_empty(rows, x)]
        for values in [*kept, *([{}] * BLANK_ROWS)]:
            ws.cell(row=r, column=1, value=item.reference)
            _cell(ws, r, 2, item.code, editable=False)
            for c, column in enumerate(rows.columns, start=3):
                value = entry_fields.parse_date(values.get(column.name)) if column.date else values.get(column.name)
                _cell(ws, r, c, value or None, editable=True, wrap=not column.date)
                if column.date:
                    ws.cell(row=r, column=c).number_format = "yyyy-mm-dd"
            r += 1
    ws.column_dimensions["B"].width = 12
    for c, column in enumerate(rows.columns, start=3):
        ws.column_dimensions[get_column_letter(c)].width = 14 if column.date else 50


def _number(text: str) -> Any:
    """A saved figure as a number Excel shows as one (figures have at most two decimal places)."""
    number = ind.decimal(text)
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _figures_sheet(wb: Workbook, content: FormContent) -> None:
    ws = wb.create_sheet(_("Figures")[:31])
    names = ["code", "indicator", *ind.COLUMN_NAMES, FIGURE_KEY]
    _sheet_head(ws, FIGURES_SHEET, content.reference, names,
                [_("Action"), _("Indicator"), *(_(label) for _n, label in ind.COLUMNS), ""])
    key_column = len(names) + 1
    r = FIRST_DATA_ROW
    for item in content.entries:
        for figure in item.figures:
            ws.cell(row=r, column=1, value=item.reference)
            _cell(ws, r, 2, item.code, editable=False)
            _cell(ws, r, 3, f"{figure.label} — {figure.unit}", editable=False)
            for c, column in enumerate(ind.COLUMN_NAMES, start=4):
                _cell(ws, r, c, _number(figure.values.get(column) or ""), editable=True, wrap=False)
            ws.cell(row=r, column=key_column, value=figure.reference)
            r += 1
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 60
    for c in range(4, key_column):
        ws.column_dimensions[get_column_letter(c)].width = 14
    ws.column_dimensions[get_column_letter(key_column)].hidden = True


# --- reading back --------------------------------------------------------------------------------------

def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(value)


def _columns(ws: Worksheet) -> dict[str, int]:
    """Field name -> column number, from the hidden row 2."""
    return {str(c.value): c.column for c in ws[2][1:] if c.value}


def read(archive: zipfile.ZipFile, data: bytes) -> FiledForm:
    """The entries of a filled XLSX form (the archive already checked by offline_files.open_form)."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=False, data_only=True, keep_vba=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken part, all meaning the same
        raise FormRefused(_("The Excel file cannot be read. Save it again from Excel or LibreOffice as .xlsx and "
                            "upload it again. Nothing was changed.")) from None
    sheets = {str(ws.cell(row=2, column=1).value or ""): ws for ws in wb.worksheets}
    main = sheets.get(ENTRIES_SHEET)
    form = FORM_REF.search(str(main.cell(row=1, column=1).value or "")) if main is not None else None
    if main is None or form is None:
        raise FormRefused(_("This file is not a form of the portal: its reference column is missing. Download "
                            "the institution's form again and copy the answers into it. Nothing was changed."))
    problems: list[str] = []
    entries: dict[tuple[int, int], FiledEntry] = {}
    cols = _columns(main)
    for r in range(FIRST_DATA_ROW, main.max_row + 1):
        ref = ENTRY_REF.search(str(main.cell(row=r, column=1).value or ""))
        if ref is None:
            continue
        filed = FiledEntry(int(ref.group(1)), int(ref.group(2)), where=_("row %(num)d", num=r))
        for f in entry_fields.FIELDS:
            if f.name not in cols or isinstance(f, entry_fields.RowsField):
                continue
            value = _value(main.cell(row=r, column=cols[f.name]).value)
            if isinstance(f, entry_fields.StatusField):
                filed.status = value
            else:
                filed.texts[f.name] = value
        entries.setdefault((filed.entry_id, filed.version), filed)
    for rows in entry_fields.ROWS_FIELDS:
        ws = sheets.get(rows.name)
        if ws is None:
            continue
        for filed in entries.values():  # an entry whose every row was deleted has none
            filed.rows[rows.name] = []
        cols = _columns(ws)
        for r in range(FIRST_DATA_ROW, ws.max_row + 1):
            values = {c.name: _value(ws.cell(row=r, column=cols[c.name]).value) if c.name in cols else ""
                      for c in rows.columns}
            ref = ENTRY_REF.search(str(ws.cell(row=r, column=1).value or ""))
            if ref is None:
                if not entry_fields.row_is_empty(rows, values):
                    problems.append(_("%(sheet)s, row %(row)d: the row has no entry reference (the hidden first "
                                      "column), so it belongs to no action. Copy an existing row of the action "
                                      "instead of inserting an empty one.", sheet=ws.title, row=r))
                continue
            key = (int(ref.group(1)), int(ref.group(2)))
            owner = entries.setdefault(key, FiledEntry(*key, where=_("row %(num)d", num=r)))
            owner.rows.setdefault(rows.name, []).append(values)
    figures = sheets.get(FIGURES_SHEET)
    if figures is not None:
        _read_figures(figures, entries)
    return FiledForm(int(form.group(1)), int(form.group(2)), list(entries.values()), problems)


def _read_figures(ws: Worksheet, entries: dict[tuple[int, int], FiledEntry]) -> None:
    """Each entry's figures from the figures sheet, by the web form's field name; an entry with no row
    there keeps None (its figures left as they are)."""
    cols = _columns(ws)
    if FIGURE_KEY not in cols:
        return
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        ref = ENTRY_REF.search(str(ws.cell(row=r, column=1).value or ""))
        key = FIGURE_REF.fullmatch(str(ws.cell(row=r, column=cols[FIGURE_KEY]).value or "").strip())
        if ref is None or key is None:
            continue
        ident = (int(ref.group(1)), int(ref.group(2)))
        owner = entries.setdefault(ident, FiledEntry(*ident, where=_("row %(num)d", num=r)))
        found = owner.figures if owner.figures is not None else {}
        for column in ind.COLUMN_NAMES:
            if column in cols:
                found[f"{key.group(1)}_{column}"] = str(_value(ws.cell(row=r, column=cols[column]).value))
        owner.figures = found
