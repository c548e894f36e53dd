"""Joining rendered parts into one PDF with pypdf: global page furniture and bookmarks.

Parts are rendered without page furniture, so a cached part fits anywhere in any edition. After
the parts are joined, a "stamp" PDF of exactly N pages (rendered once by WeasyPrint, with the
running header — document number, LIMITE — and the footer "n / N", "EN") is laid over every page
as a Form XObject. That costs no parsing of the parts' content streams, so assembly stays fast.
Bookmarks come from each part's own outline, shifted by the part's first page.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, RectangleObject)


@dataclass
class Bookmark:
    title: str
    page: int            # 0-based, within its part
    children: list["Bookmark"]


def outline_of(reader: PdfReader) -> list[Bookmark]:
    def walk(items) -> list[Bookmark]:
        out: list[Bookmark] = []
        for item in items:
            if isinstance(item, list):
                if out:
                    out[-1].children.extend(walk(item))
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # noqa: BLE001 - a bookmark without a page is dropped
                continue
            out.append(Bookmark(str(item.title), page, []))
        return out
    return walk(reader.outline)


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def assemble(parts: list[Path], stamp: Path, out: Path, *, title: str) -> int:
    """Join `parts` in order, lay `stamp` page i over page i, write `out`; returns the page count."""
    writer = PdfWriter()
    outlines: list[tuple[int, list[Bookmark]]] = []
    for path in parts:
        reader = PdfReader(path)
        first = len(writer.pages)
        writer.append(reader, import_outline=False)
        outlines.append((first, outline_of(reader)))
    total = len(writer.pages)
    stamp_reader = PdfReader(stamp)
    if len(stamp_reader.pages) != total:
        raise ValueError(f"the page furniture has {len(stamp_reader.pages)} pages for {total}")
    push = _stream(writer, b"q\n")
    for i, page in enumerate(writer.pages):
        sp = stamp_reader.pages[i]
        form = DecodedStreamObject()
        form.set_data(sp.get_contents().get_data())
        form.update({
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject(sp.mediabox),
            NameObject("/Resources"): sp["/Resources"].clone(writer),
        })
        form_ref = writer._add_object(form)
        # WeasyPrint pages share one resource dictionary: each page gets its own shallow copy.
        resources = page.get("/Resources")
        resources = DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
        xobjects = resources.get("/XObject")
        xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
        xobjects[NameObject("/CtpStamp")] = form_ref
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else ArrayObject()
        existing = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
        pop = _stream(writer, b"Q\nq /CtpStamp Do Q\n")
        page[NameObject("/Contents")] = ArrayObject([push, *existing, pop])
    for first, bookmarks in outlines:
        _add_outline(writer, bookmarks, first, None)
    writer.add_metadata({"/Title": title, "/Producer": "ctportal (WeasyPrint, pypdf)"})
    writer.page_mode = "/UseOutlines"
    with out.open("wb") as fh:
        writer.write(fh)
    return total


def _add_outline(writer: PdfWriter, bookmarks: list[Bookmark], offset: int, parent) -> None:
    for b in bookmarks:
        item = writer.add_outline_item(title=b.title, page_number=offset + b.page, parent=parent)
        _add_outline(writer, b.children, offset, item)
