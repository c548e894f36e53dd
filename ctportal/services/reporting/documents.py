"""Supporting documents: type decided by content, stored atomically, old versions kept.

A file is accepted only if its bytes say it is one of the accepted types — never its name or
the browser's claim. Office files are ZIP archives: they are recognised by their contents
([Content_Types].xml for Word/Excel, the `mimetype` member for OpenDocument) and refused when
they would unpack to far more than they weigh (zip bombs).
"""
from __future__ import annotations

import errno
import logging
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from collections.abc import Iterator
from typing import BinaryIO

import filetype
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext, lazy_gettext

from ctportal.domain.errors import DomainError
from ctportal.models import Document, Entry, Report, RevisionDocument, Sensitivity, User, db, utcnow
from ctportal.services import audit
from ctportal.services.reporting import pdf_check
from ctportal.infra import storage


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str
    also: tuple[str, ...] = ()  # other extensions a file of this type is commonly given


PDF = FileType("pdf", "application/pdf", "PDF")
PNG = FileType("png", "image/png", "PNG image")
JPEG = FileType("jpg", "image/jpeg", "JPEG image", also=("jpeg",))
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)")
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument text (ODT)")
ODS = FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet (ODS)")
ACCEPTED = (PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG)
ACCEPTED_LABELS = lazy_gettext("PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT) or spreadsheet (ODS), "
                               "PNG or JPEG")
MAX_ZIP_MEMBERS = 10_000

log = logging.getLogger("ctportal.documents")


class RejectedFile(DomainError, ValueError):
    """The upload is refused; the message says why, in the user's words."""

    status = 422


class StorageFailed(DomainError, RuntimeError):
    """The server could not store the file (disk full, storage failing); the message says so plainly."""

    status = 503


def _storage_failed(exc: OSError) -> StorageFailed:
    log.error("an upload could not be stored: %s", exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFailed(gettext("The file could not be stored: the server's disk is full. Nothing was "
                                     "uploaded; please try again later, and tell the portal administrators if "
                                     "it happens again."))
    return StorageFailed(gettext("The file could not be stored because of a problem on the server. Nothing was "
                                 "uploaded; please try again later, and tell the portal administrators if it "
                                 "happens again."))


class DocumentLocked(DomainError, ValueError):
    """The document belongs to a submitted revision and cannot be deleted."""

    status = 409


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def _check_zip(path: str) -> zipfile.ZipFile:
    """Open an office file's archive, refusing zip bombs before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise RejectedFile(gettext("The file looks like an office document but its archive is damaged.")) from None
    try:
        check_office_members(archive.infolist())
    except RejectedFile:
        archive.close()
        raise
    return archive


def check_office_members(members: list[zipfile.ZipInfo]) -> None:
    """Refuse an office archive with too many parts, macros, or far more unpacked bytes than it weighs;
    from the sizes its directory declares, before anything is unpacked (also the offline forms' check)."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise RejectedFile(gettext("The office file contains too many parts to be checked safely."))
    if any(info.filename.lower().endswith("vbaproject.bin") or info.filename.startswith(("Basic/", "Scripts/"))
           for info in members):
        raise RejectedFile(gettext("Office files with macros are not accepted. Save the file without macros "
                                   "(as .docx or .xlsx), or send it as PDF."))
    max_total = int(current_app.config["MAX_UNZIPPED_MB"]) * 1024 * 1024
    max_ratio = float(current_app.config["MAX_ZIP_RATIO"])
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > max_total or (info.file_size > 1024 * 1024 and ratio > max_ratio):
            raise RejectedFile(gettext("The office file would unpack to far more data than it holds (a possible "
                                       "“zip bomb”), so it is refused. Save it again from your office program, "
                                       "or send it as PDF."))


def _office_type(path: str) -> FileType | None:
    with _check_zip(path) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            return None
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            if info.file_size > 100:
                return None
            kind = archive.read("mimetype").decode("ascii", "replace").strip()
            return {ODT.content_type: ODT, ODS.content_type: ODS}.get(kind)
    return None


def sniff(path: str) -> FileType:
    """The accepted type of the file at `path`, judged by its content; RejectedFile otherwise."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        raise RejectedFile(gettext("The file is empty."))
    if head.startswith(b"%PDF-"):
        problem = pdf_check.check_pdf(path)  # scripts, actions, embedded files, appended payloads
        if problem:
            raise RejectedFile(problem)
        return PDF
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime == "image/png":
        return PNG
    if mime == "image/jpeg":
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        found = _office_type(path)
        if found is not None:
            return found
    raise RejectedFile(gettext("This type of file is not accepted. Accepted: %(types)s.", types=str(ACCEPTED_LABELS)))


def _clean_title(title: str) -> str:
    return "".join(c for c in (title or "") if unicodedata.category(c)[0] != "C").strip()[:300]


TYPES_BY_CONTENT = {t.content_type: t for t in ACCEPTED}


def clean_name(name: str, kind: FileType | str) -> str:
    """The original name, kept for display and download: no path, no control characters, not too long,
    and ending in the extension of the type its content was found to be — a PDF named `minutes.html`
    is `minutes.pdf`, so that saved to disk it never opens as a web page."""
    extension = kind if isinstance(kind, str) else kind.extension
    known = (extension,) if isinstance(kind, str) else (kind.extension, *kind.also)
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C").strip()
    name = name.strip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot:  # no extension: the type's is added
        stem, ext = name, extension
    elif ext.lower() not in known:  # the wrong one goes: minutes.html -> minutes.pdf
        ext = extension
    stem = stem.rstrip(". ") or "document"
    return f"{stem[:190]}.{ext[:9]}"


def download_name(doc: Document) -> str:
    """The name a document is downloaded under: its stored name, corrected for rows stored before the
    extension followed the content."""
    kind = TYPES_BY_CONTENT.get(doc.content_type)
    return clean_name(doc.original_name, kind) if kind is not None else doc.original_name


def store_upload(stream: BinaryIO, filename: str) -> tuple[str, str, int, FileType]:
    """Write the upload atomically and check it; returns (stored_name, sha256, size, type).

    Anything refused is removed from disk before RejectedFile is raised; when the server cannot
    store the file (OSError: disk full, ...) nothing is left on disk and StorageFailed is raised.
    """
    limit = max_upload_bytes()

    def limited() -> Iterator[bytes]:
        size = 0
        for chunk in storage.read_chunks(stream):
            size += len(chunk)
            if size > limit:
                raise RejectedFile(gettext("The file is larger than %(limit)s MB, the most the portal accepts. "
                                           "Nothing was uploaded.", limit=current_app.config["MAX_UPLOAD_MB"]))
            yield chunk

    try:
        stored, sha, size = storage.write_atomically("documents", limited())
    except OSError as exc:  # disk full, storage unavailable: write_atomically left nothing behind
        raise _storage_failed(exc) from exc
    try:
        kind = sniff(str(storage.path_for("documents", stored)))
        final = f"{stored}.{kind.extension}"
        os.replace(storage.path_for("documents", stored), storage.path_for("documents", final))
    except BaseException as exc:
        storage.remove("documents", stored)
        if isinstance(exc, OSError):
            raise _storage_failed(exc) from exc
        raise
    return final, sha, size, kind


def upload(report: Report, stream: BinaryIO, filename: str, user: User, *, entry: Entry | None = None,
           title: str = "", sensitivity: Sensitivity = Sensitivity.limite,
           replaces: Document | None = None) -> Document:
    """A new document of the report (or of one of its entries); flushes, the caller commits.

    On failure after the file was written, the file is removed; if the caller's commit fails it
    must call `discard_file(document)`.
    """
    if entry is not None and entry.report_id != report.id:
        raise ValueError("the entry is not part of this report")
    if not sensitivity.held:  # the forms offer none; this holds for every other caller too
        raise RejectedFile(gettext("Classified information (RESTREINT UE/EU RESTRICTED and above) must not be "
                                   "uploaded to this portal."), field="sensitivity")
    stored, sha, size, kind = store_upload(stream, filename)
    try:
        doc = Document(report_id=report.id, entry_id=entry.id if entry is not None else None,
                       original_name=clean_name(filename, kind), stored_name=stored,
                       content_type=kind.content_type, size=size, sha256=sha, sensitivity=sensitivity,
                       title=_clean_title(title), uploaded_by_id=user.id, uploaded_at=utcnow(),
                       replaces_id=replaces.id if replaces is not None else None)
        db.session.add(doc)
        if replaces is not None:
            replaces.replaced_at = doc.uploaded_at
        db.session.flush()
        audit.record("document.replaced" if replaces is not None else "document.uploaded", doc, actor=user,
                     party_id=report.party_id, report_id=report.id, entry_id=doc.entry_id,
                     name=doc.original_name, sha256=sha, size=size,
                     replaces=replaces.id if replaces is not None else None)
    except BaseException:
        storage.remove("documents", stored)
        raise
    return doc


def keep_partner_file(report: Report, stored: str, sha: str, size: int, kind: FileType, filename: str,
                      user: User) -> Document:
    """A file already stored and checked (`store_upload`) kept as the partner's own document of the report:
    an offline form an institution filled in (services/partner/offline.py). Never part of a revision nor
    shown outside the party; the trail records ids and the hash, not the name (it may name the institution)."""
    doc = Document(report_id=report.id, entry_id=None, original_name=clean_name(filename, kind), stored_name=stored,
                   content_type=kind.content_type, size=size, sha256=sha, sensitivity=Sensitivity.limite,
                   title="", uploaded_by_id=user.id, uploaded_at=utcnow(), partner_internal=True)
    db.session.add(doc)
    db.session.flush()
    audit.record("document.kept_for_partner", doc, actor=user, party_id=report.party_id, report_id=report.id,
                 sha256=sha, size=size)
    return doc


def discard_file(doc: Document) -> None:
    """Undo the file of an upload whose database commit failed."""
    storage.remove("documents", doc.stored_name)


def is_frozen(doc: Document) -> bool:
    """Part of a submitted revision: it must stay as it was."""
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(RevisionDocument).where(RevisionDocument.document_id == doc.id))
    assert count is not None  # count() always yields one row
    return count > 0


def ensure_deletable(doc: Document) -> None:
    """Refuse (DocumentLocked) to delete a document a submitted revision holds; asked before and at deletion."""
    if is_frozen(doc):
        raise DocumentLocked(gettext("This document is part of a submitted revision of the report and cannot be "
                                     "deleted. You can upload a new version of it instead."))


def delete(doc: Document, user: User) -> None:
    """Withdraw a document from the draft; the file and row stay for the record."""
    ensure_deletable(doc)
    doc.deleted_at = utcnow()
    doc.deleted_by_id = user.id
    db.session.flush()
    report = db.session.get(Report, doc.report_id)
    assert report is not None  # report_id is a non-null foreign key
    audit.record("document.deleted", doc, actor=user, party_id=report.party_id, report_id=doc.report_id,
                 name=doc.original_name, sha256=doc.sha256)


def current_documents(report: Report, entry: Entry | None = None, *, whole_report_only: bool = False,
                      partner_internal: bool = False) -> list[Document]:
    """The report's documents as they stand, neither replaced nor deleted, oldest first: all of them,
    those of one entry, or (whole_report_only) those attached to the report as a whole.

    The partner's own files (the offline forms its institutions filled in: `partner_internal`) are never
    among them — the snapshot, the review pages and the PDFs read this list — unless asked for alone."""
    query = sa.select(Document).where(Document.report_id == report.id, Document.replaced_at.is_(None),
                                      Document.deleted_at.is_(None),
                                      Document.partner_internal.is_(partner_internal))
    if entry is not None:
        query = query.where(Document.entry_id == entry.id)
    elif whole_report_only:
        query = query.where(Document.entry_id.is_(None))
    return list(db.session.scalars(query.order_by(Document.uploaded_at, Document.id)))


def earlier_versions(doc: Document) -> list[Document]:
    """The versions this document replaced, newest first."""
    found: list[Document] = []
    current = doc
    seen = {doc.id}
    while current.replaces_id is not None and current.replaces_id not in seen:
        replaced = db.session.get(Document, current.replaces_id)
        if replaced is None:
            break
        current = replaced
        seen.add(current.id)
        found.append(current)
    return found


def record_download(doc: Document, user: User) -> None:
    report = db.session.get(Report, doc.report_id)
    assert report is not None  # report_id is a non-null foreign key
    # The name of a partner's own file may name its institution: the trail (read by the secretariat) keeps ids.
    named = {} if doc.partner_internal else {"name": doc.original_name}
    audit.record("document.downloaded", doc, actor=user, party_id=report.party_id, report_id=doc.report_id,
                 sha256=doc.sha256, **named)
