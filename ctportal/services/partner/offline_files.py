"""The files of the offline round trip (issue 18, item 3): what is checked before a byte is parsed,
and how a form names the report, the institution and each entry's version.

An uploaded form is an Office Open XML archive made by Word, LibreOffice or Excel from a form the portal
wrote. Before python-docx or openpyxl reads it, the archive itself is checked here, and refused with a
message the coordinator can act on:

* not a ZIP archive at all, or a damaged one;
* more parts, or more unpacked bytes, than a form can hold (a "zip bomb": the sizes the archive declares
  are checked before anything is unpacked, and each part is read with a bound besides);
* macros: a `vbaProject.bin` part, or a macro-enabled content type (.docm, .xlsm);
* any DOCTYPE or ENTITY declaration in any XML part (entity expansion, external entities): a form never
  has one, so none is accepted — and openpyxl parses through defusedxml besides;
* neither a Word document nor an Excel workbook.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ctportal.domain.errors import DomainError
from ctportal.services.reporting.documents import check_office_members

DOCX = "docx"
XLSX = "xlsx"
# A form of the portal is a few hundred kilobytes; its largest part a few megabytes at most.
MAX_PART_BYTES = 40 * 1024 * 1024
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_MACRO_TYPE = re.compile(rb"macroEnabled|vbaProject|vnd\.ms-office\.activeX", re.IGNORECASE)

# What a form says about itself: the report and institution it was made for, and each entry's id and
# the version it was made from. Plain text, so that Word, LibreOffice and Excel keep it as it is.
FORM_REF = re.compile(r"CTP-FORM-R(\d{1,12})-I(\d{1,12})")
ENTRY_REF = re.compile(r"CTP-ENTRY-(\d{1,12})-V(\d{1,12})")
# One indicator and category of an entry's figures (the web form's fields without the column:
# fig_<indicator id>_<category>), as a form names its row of baseline, target and actual.
FIGURE_REF = re.compile(r"\b(fig_\d{1,12}_[a-z]{1,20})\b")


def form_reference(report_id: int, institution_id: int) -> str:
    return f"CTP-FORM-R{report_id}-I{institution_id}"


def entry_reference(entry_id: int, version: int) -> str:
    return f"CTP-ENTRY-{entry_id}-V{version}"


class FormRefused(DomainError):
    """The uploaded file is not a form that can be read; nothing was changed."""

    status = 422


def _limit_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def open_form(data: bytes) -> tuple[str, zipfile.ZipFile]:
    """The kind (DOCX or XLSX) of an uploaded form and its archive, checked; FormRefused otherwise."""
    if len(data) > _limit_bytes():
        raise FormRefused(_("The file is larger than %(limit)s MB, the most the portal accepts. Nothing was "
                            "changed.", limit=current_app.config["MAX_UPLOAD_MB"]))
    if not data.startswith(b"PK\x03\x04"):
        raise FormRefused(_("This file is not a Word (DOCX) or Excel (XLSX) form of the portal. Upload the form "
                            "you downloaded, filled in and saved as .docx or .xlsx. Nothing was changed."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FormRefused(_("The file is damaged: its archive cannot be read. Save it again from your office "
                            "program and upload it again. Nothing was changed.")) from None
    try:
        check_office_members(members)  # too many parts, macros, a zip bomb: the documents' own checks
    except DomainError as exc:
        raise FormRefused(f"{exc.message} " + _("Nothing was changed.")) from None
    names = {m.filename for m in members}
    for info in members:
        if info.file_size > MAX_PART_BYTES:
            raise FormRefused(_("The file would unpack to far more data than a form holds (a possible “zip "
                                "bomb”), so it is refused. Nothing was changed."))
        if info.filename.lower().endswith((".xml", ".rels", ".vml")) or info.filename == "[Content_Types].xml":
            with archive.open(info) as part:
                content = part.read(MAX_PART_BYTES + 1)
            if len(content) > MAX_PART_BYTES:  # the archive lied about the size
                raise FormRefused(_("The file would unpack to far more data than a form holds (a possible "
                                    "“zip bomb”), so it is refused. Nothing was changed."))
            if _DECLARATION.search(content):
                raise FormRefused(_("The file contains an XML declaration (DOCTYPE or ENTITY) that no form of "
                                    "the portal has, so it is refused. Save the form again from Word, LibreOffice "
                                    "or Excel. Nothing was changed."))
            if info.filename == "[Content_Types].xml" and _MACRO_TYPE.search(content):
                raise FormRefused(_("Office files with macros are not accepted. Save the form without macros "
                                    "(as .docx or .xlsx). Nothing was changed."))
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX, archive
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX, archive
    raise FormRefused(_("This file is not a Word (DOCX) or Excel (XLSX) form of the portal. Upload the form you "
                        "downloaded, filled in and saved as .docx or .xlsx. Nothing was changed."))


@dataclass
class FiledEntry:
    """One entry as a filled form gives it back: the plain shape of entry_fields, as typed.

    `status` is what was written in the status cell (matched to a status later), None when the file has no
    status cell for it; a text or rows field the file does not carry is absent (kept as saved).
    """

    entry_id: int
    version: int
    status: str | None = None
    texts: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # The figures as typed, by the web form's field name (fig_<indicator>_<category>_<column>); None when the
    # file has no figure cell for the entry (a form made before figures, say): they are then left as they are.
    figures: dict[str, str] | None = None
    where: str = ""      # where the entry is in the file ("table 3", "row 5"), for messages


@dataclass
class FiledForm:
    report_id: int
    institution_id: int
    entries: list[FiledEntry]
    problems: list[str] = field(default_factory=list)   # what the reader could not take (a row with no reference)


def clean_text(value: Any) -> str:
    """A cell's text as the web form keeps it: Windows line ends made plain, trailing spaces of the
    whole text dropped (a table cell always ends a paragraph)."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True)
class FormFigure:
    """One indicator and category of an entry, as a form writes it: a row of baseline, target and actual."""

    reference: str              # fig_<indicator id>_<category>: the row's key, hidden in the form
    indicator: str              # the indicator's name, as the plan words it (English)
    category: str               # "" for the total, else the category's label in the reader's language
    unit: str                   # the unit's label in the reader's language
    values: dict[str, str]      # column (baseline, target, actual) -> the saved figure as text

    @property
    def label(self) -> str:
        return f"{self.indicator} ({self.category.lower()})" if self.category else self.indicator


@dataclass(frozen=True)
class FormEntry:
    """One entry as a form is written: what the institution reads and fills in."""

    entry_id: int
    version: int
    code: str                   # the action's code ("2.P1")
    label: str                  # "Action 2.P1", "Priority action on 2.P1"
    action_text: str
    due_on: Any                 # dt.date | None
    values: dict[str, Any]      # the plain shape (entry_fields.values_of), pre-filled
    source: str                 # where the values come from, said in the form
    figures: tuple[FormFigure, ...] = ()   # the action's indicators, pre-filled with the saved figures

    @property
    def reference(self) -> str:
        return entry_reference(self.entry_id, self.version)


@dataclass(frozen=True)
class FormContent:
    report_id: int
    institution_id: int
    title: str                  # "Albania — Progress report 2026"
    institution: str
    deadline: Any               # dt.date: the date the coordinator needs it back by
    entries: list[FormEntry]
    statuses: list[tuple[str, str]]   # (value, title in the coordinator's language)

    @property
    def reference(self) -> str:
        return form_reference(self.report_id, self.institution_id)
