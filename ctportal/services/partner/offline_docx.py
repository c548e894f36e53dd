"""The offline form as a Word document (DOCX): written with python-docx, and read back after Word or
LibreOffice saved it.

One table per entry. Its first row carries the entry's reference (`CTP-ENTRY-<id>-V<version>`, in plain
text, so that any editor keeps it); every other row is one field of entry_fields.FIELDS, its label cell
ending in the field's name as hidden text (`[[narrative]]`), so a translated or retyped label still
reads; measures and legal acts are a table inside their cell, one row per row, the column names hidden
in its header the same way. An entry whose action has indicators has a last row "Figures" (`[[figures]]`):
a table inside its cell, one row per indicator and category (its key, `[[fig_<indicator>_<category>]]`,
hidden in its first cell), a column per baseline, target and actual; an entry whose table has no such row
keeps its figures as they are. The form's own reference (report and institution) is the document's first
line. Nothing else in the document is read.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from docx import Document as new_document  # noqa: N813 - a function, whatever its name says
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table, _Cell
from flask_babel import gettext as _

from ctportal.domain import entry_fields
from ctportal.domain import indicators as ind
from ctportal.domain.formatting import long_date
from ctportal.services.partner.offline_files import (ENTRY_REF, FIGURE_REF, FORM_REF, FiledEntry, FiledForm,
                                                     FormContent, FormFigure, FormRefused, clean_text)

BLANK_ROWS = 3          # empty rows offered under the rows already written
FIGURES = "figures"     # the hidden name of the row holding the entry's figures
_KEY = re.compile(r"\[\[([a-z_]+)\]\]")
_GREY = RGBColor(0x59, 0x59, 0x59)


def _hidden(paragraph: Any, key: str) -> None:
    run = paragraph.add_run(f"[[{key}]]")
    run.font.hidden = True


def _small(paragraph: Any, text: str) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(8)
    run.font.color.rgb = _GREY


def _write_text(cell: _Cell, text: str) -> None:
    lines = (text or "").split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _status_text(content: FormContent, value: str | None) -> str:
    return next((title for v, title in content.statuses if v == value), "")


def build(content: FormContent) -> bytes:
    doc = new_document()
    doc.core_properties.title = content.title
    doc.core_properties.subject = content.reference
    _small(doc.add_paragraph(), _("Form reference: %(ref)s (do not change)", ref=content.reference))
    doc.add_heading(content.title, level=1)
    doc.add_paragraph(_("Input of %(institution)s, requested by %(date)s.", institution=content.institution,
                        date=long_date(content.deadline)))
    doc.add_paragraph(_("Write in the right-hand column of each table. Do not delete the tables or change the "
                        "grey reference lines: the portal reads the form back by them. Implementation status: "
                        "write one of %(statuses)s. Dates as YYYY-MM-DD (for example 2026-03-31). Texts may use "
                        "Markdown (**bold**, - for a list). Save the file as .docx and send it back.",
                        statuses=", ".join(f"“{title}”" for _v, title in content.statuses)))
    for item in content.entries:
        doc.add_heading(f"{item.label}", level=2)
        doc.add_paragraph(item.action_text)
        if item.due_on:
            doc.add_paragraph(_("Due %(date)s.", date=long_date(item.due_on)))
        _small(doc.add_paragraph(), item.source)
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        head = table.rows[0].cells
        _small(head[0].paragraphs[0], _("Reference (do not change)"))
        _small(head[1].paragraphs[0], item.reference)
        for f in entry_fields.FIELDS:
            label, value = table.add_row().cells
            label.paragraphs[0].add_run(_(f.label)).bold = True
            _hidden(label.paragraphs[0], f.name)
            if f.hint:
                _small(label.add_paragraph(), _(f.hint))
            if isinstance(f, entry_fields.StatusField):
                value.paragraphs[0].text = _status_text(content, item.values.get(f.name))
            elif isinstance(f, entry_fields.TextField):
                _write_text(value, item.values.get(f.name) or "")
            else:
                _rows_table(value, f, item.values.get(f.name) or [])
        if item.figures:
            # One cell across the table's width, so that the numbers' table has room.
            label, value = table.add_row().cells
            cell = label.merge(value)
            cell.paragraphs[0].add_run(_("Figures")).bold = True
            _hidden(cell.paragraphs[0], FIGURES)
            _small(cell.add_paragraph(), _(  # the web form's own hint
                "Optional: numbers only, without the unit. The baseline is where things stood when the measuring "
                "began, the target what is aimed at, the actual figure what was reached by the end of this "
                "reporting period. Baselines and targets are carried over from the previous round’s approved "
                "report."))
            _figures_table(cell, item.figures)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _rows_table(cell: _Cell, rows: entry_fields.RowsField, values: list[dict[str, Any]]) -> None:
    kept = [r for r in values if not entry_fields.row_is_empty(rows, r)]
    inner = cell.add_table(rows=1, cols=len(rows.columns))
    inner.style = "Table Grid"
    for c, head in zip(rows.columns, inner.rows[0].cells, strict=True):
        head.paragraphs[0].add_run(_(c.label)).bold = True
        _hidden(head.paragraphs[0], c.name)
    for row in [*kept, *([{}] * BLANK_ROWS)]:
        for c, out in zip(rows.columns, inner.add_row().cells, strict=True):  # type: ignore[no-untyped-call]
            _write_text(out, str(row.get(c.name) or ""))


def _figures_table(cell: _Cell, figures: tuple[FormFigure, ...]) -> None:
    inner = cell.add_table(rows=1, cols=1 + len(ind.COLUMNS))
    inner.style = "Table Grid"
    inner.autofit = False
    widths = [Inches(2.7), *([Inches(1.0)] * len(ind.COLUMNS))]
    for column, width in zip(inner.columns, widths, strict=True):
        column.width = width
    head = inner.rows[0].cells
    for c, width in zip(head, widths, strict=True):
        c.width = width
    head[0].paragraphs[0].add_run(_("Indicator")).bold = True
    for (name, label), out in zip(ind.COLUMNS, head[1:], strict=True):
        out.paragraphs[0].add_run(_(label)).bold = True
        _hidden(out.paragraphs[0], name)
    for figure in figures:
        cells = inner.add_row().cells  # type: ignore[no-untyped-call]
        for c, width in zip(cells, widths, strict=True):
            c.width = width
        cells[0].paragraphs[0].text = f"{figure.label} — {figure.unit}"
        _hidden(cells[0].paragraphs[0], figure.reference)
        for name, out in zip(ind.COLUMN_NAMES, cells[1:], strict=True):
            out.paragraphs[0].text = figure.values.get(name) or ""


# --- reading back --------------------------------------------------------------------------------------

def _key_of(cell: _Cell, labels: dict[str, str]) -> str | None:
    found = _KEY.search(cell.text)
    if found:
        return found.group(1)
    first = clean_text(cell.paragraphs[0].text if cell.paragraphs else "").lower()
    return labels.get(first)


def _labels(names: list[tuple[str, str]]) -> dict[str, str]:
    """Label (English and the reader's language, lower case) -> name: when the hidden name was lost."""
    return {**{label.lower(): name for name, label in names}, **{_(label).lower(): name for name, label in names}}


def _read_rows(cell: _Cell, rows: entry_fields.RowsField) -> list[dict[str, Any]]:
    if not cell.tables:
        return []
    inner = cell.tables[0]
    labels = _labels([(c.name, c.label) for c in rows.columns])
    header = inner.rows[0].cells
    names = [_key_of(h, labels) for h in header]
    out = []
    for row in inner.rows[1:]:
        values = {name: clean_text(c.text) for name, c in zip(names, row.cells, strict=False) if name}
        out.append({c.name: values.get(c.name, "") for c in rows.columns})
    return out


def _read_figures(cell: _Cell) -> dict[str, str] | None:
    """The figures of the entry's "Figures" table, by the web form's field name; None without the table."""
    if not cell.tables:
        return None
    inner = cell.tables[0]
    labels = _labels(list(ind.COLUMNS))
    names = [_key_of(h, labels) for h in inner.rows[0].cells]
    out: dict[str, str] = {}
    for row in inner.rows[1:]:
        cells = row.cells
        ref = FIGURE_REF.search(cells[0].text) if cells else None
        if ref is None:
            continue
        for name, c in zip(names, cells, strict=False):
            if name in ind.COLUMN_NAMES:
                out[f"{ref.group(1)}_{name}"] = clean_text(c.text)
    return out


def _read_entry(table: Table, number: int) -> FiledEntry | None:
    if not table.rows:
        return None
    ref = ENTRY_REF.search(" ".join(c.text for c in table.rows[0].cells))
    if ref is None:
        return None
    filed = FiledEntry(int(ref.group(1)), int(ref.group(2)), where=_("table %(num)d", num=number))
    labels = _labels([*((f.name, f.label) for f in entry_fields.FIELDS), (FIGURES, "Figures")])
    for row in table.rows[1:]:
        cells = row.cells
        name = _key_of(cells[0], labels) if cells else None
        if name == FIGURES:  # one cell across the table (or split again): the one holding the numbers' table
            filed.figures = _read_figures(next((c for c in cells if c.tables), cells[0]))
            continue
        if len(cells) < 2:
            continue
        if name is None or name not in entry_fields.LABELS:
            continue
        described = next(f for f in entry_fields.FIELDS if f.name == name)
        if isinstance(described, entry_fields.StatusField):
            filed.status = clean_text(cells[1].text)
        elif isinstance(described, entry_fields.TextField):
            filed.texts[name] = clean_text("\n".join(p.text for p in cells[1].paragraphs))
        else:
            filed.rows[name] = _read_rows(cells[1], described)
    return filed


def read(archive: zipfile.ZipFile, data: bytes) -> FiledForm:
    """The entries of a filled DOCX form (the archive already checked by offline_files.open_form)."""
    try:
        doc = new_document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds for a broken part, all meaning the same
        raise FormRefused(_("The Word file cannot be read. Save it again from Word or LibreOffice as .docx and "
                            "upload it again. Nothing was changed.")) from None
    head = " ".join(p.text for p in doc.paragraphs[:5]) + " " + (doc.core_properties.subject or "")
    form = FORM_REF.search(head)
    if form is None:
        raise FormRefused(_("This file is not a form of the portal: its reference line is missing. Download the "
                            "institution's form again and copy the answers into it. Nothing was changed."))
    entries = [e for i, t in enumerate(doc.tables, start=1) if (e := _read_entry(t, i)) is not None]
    return FiledForm(int(form.group(1)), int(form.group(2)), entries)
