"""Joining rendered parts into one PDF: one structure tree, global page furniture and bookmarks.

Parts are rendered without page furniture, so a cached part fits anywhere in any edition. After
the parts are joined, every page gets the furniture page (document number, LIMITE, EN — rendered
once by WeasyPrint, laid over each page as one shared Form XObject) and its number "n / N"
(drawn as text, ctportal/pdf/numbers.py). That costs no parsing of the parts' content streams,
so assembly stays fast. Each typeface is then embedded once for all parts (fontmerge.py), and
qpdf (pikepdf) writes the small objects into compressed object streams: the edition is about the
size of a one-pass render. Bookmarks come from each part's own outline, shifted by the part's first
page. Links between parts (the contents page's entries) are written by the templates as
`ctportal-page:N` (page_link) — WeasyPrint cannot know the page of a part it does not render —
and turned into links to page N here.

The parts are tagged (PDF/UA): qpdf joins their pages and merges their structure trees first
(ctportal/pdf/structure.py), pypdf then works on that one file as before, the stamp goes in as
an /Artifact (it is page furniture, not content), and the last qpdf pass adds the PDF/A-2a and
PDF/UA-1 metadata and output intent.
"""
from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject,
                           NameObject, RectangleObject)

from ctportal.pdf import fontmerge, numbers, structure


PAGE_LINK = "ctportal-page:"
ARTIFACT_BEGIN = b"Q\n/Artifact <</Type /Pagination>> BDC\n"


def page_link(page: int) -> str:
    """What a template writes as the href of a link to page `page` (1-based) of the whole edition."""
    return f"{PAGE_LINK}{int(page)}"


@dataclass
class Bookmark:
    title: str
    page: int            # 0-based, within its part
    children: list[Bookmark]


def outline_of(pdf: pikepdf.Pdf) -> list[Bookmark]:
    """A part's bookmarks with their pages (0-based). Read with qpdf from the part already open for
    the join: pypdf parsed every object stream of a tagged part to reach its outline (a third of
    the assembly's time)."""
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}

    def page_of(item: pikepdf.OutlineItem) -> int | None:
        target: Any = item.destination
        if target is None and item.action is not None and item.action.get("/S") == pikepdf.Name.GoTo:
            target = item.action.get("/D")
        if isinstance(target, (pikepdf.Name, pikepdf.String)):
            target = _named_destination(pdf, target)
        if isinstance(target, pikepdf.Dictionary):
            target = target.get("/D")
        if not isinstance(target, pikepdf.Array) or not len(target):
            raise ValueError("no destination")
        first = target[0]
        if isinstance(first, int):  # a page number (remote-style destination)
            return int(first)
        return pages.get(first.objgen)

    def walk(items) -> list[Bookmark]:
        out: list[Bookmark] = []
        for item in items:
            try:
                page = page_of(item)
            except Exception:  # noqa: BLE001 - a bookmark without a page is dropped
                continue
            if page is None:  # as before: a bookmark to no page fails the assembly (it cannot be added)
                raise ValueError(f"the bookmark {item.title!r} points to no page")
            out.append(Bookmark(str(item.title), page, walk(item.children)))
        return out

    return walk(pikepdf.Outline(pdf).root)  # read only: no context manager, which would write it back


def _named_destination(pdf: pikepdf.Pdf, name: pikepdf.Object) -> pikepdf.Object | None:
    names = pdf.Root.get("/Names")
    if isinstance(name, pikepdf.String) and names is not None and "/Dests" in names:
        return pikepdf.NameTree(names.Dests).get(str(name))
    dests = pdf.Root.get("/Dests")
    return dests.get(f"/{str(name).lstrip('/')}") if dests is not None else None


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def assemble(parts: list[Path], furniture: Path, out: Path, *, title: str, font_cache: Path | None = None,
             continued: Set[int] = frozenset(), tagged: bool = True, seal_field: tuple[str, str] | None = None) -> int:
    """Join `parts` in order, lay `furniture` and the page number over every page, write `out`;
    returns the page count. `continued`: indices of parts that go on from the part before (a
    section of an annex): their bookmarks nest under that part's last top-level bookmark.
    `font_cache`: where the page numbers' font subset and the merged fonts
    (one copy of each face for all parts, ctportal/pdf/fontmerge.py) may be kept. `tagged`: the parts
    are tagged and the edition says it is PDF/UA-1 and PDF/A-2a (False: untagged parts, no claim).
    `seal_field`: (name, tooltip) of the empty signature field the seal will fill (an edition)."""
    joined = structure.join(list(parts), tagged=tagged)
    try:
        total = _stamp_and_save(joined, furniture, out, title=title, font_cache=font_cache,
                                continued=continued, tagged=tagged, seal_field=seal_field)
    finally:
        joined.close()
    return total


def _stamp_and_save(joined: structure.Joined, furniture: Path, out: Path, *, title: str,
                    font_cache: Path | None, continued: Set[int], tagged: bool,
                    seal_field: tuple[str, str] | None = None) -> int:
    writer = PdfWriter(clone_from=PdfReader(joined.pages_only))
    outlines = [(first, outline_of(src)) for first, src in zip(joined.firsts, joined.sources, strict=True)]
    total = len(writer.pages)
    furniture_page = PdfReader(furniture).pages[0]
    furniture_contents = furniture_page.get_contents()
    if furniture_contents is None:  # as before, the assembly fails (it did on None.get_data())
        raise ValueError("the furniture page has no content stream")
    form = DecodedStreamObject()
    form.set_data(furniture_contents.get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): RectangleObject(furniture_page.mediabox),
        NameObject("/Resources"): furniture_page["/Resources"].clone(writer),
    })
    form_ref = writer._add_object(form)
    font = numbers.metrics(font_cache)
    font_ref = numbers.add_font(writer, font)
    push = _stream(writer, b"q\n")
    # WeasyPrint's pages share one resource dictionary per part: each part's gets one copy with
    # the stamp and the numbers' font added, shared again by its pages (not one copy per page).
    stamped: dict[int, IndirectObject] = {}
    for n, page in enumerate(writer.pages, start=1):
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        shared = stamped.get(id(resources))
        if shared is None:
            shared = stamped[id(resources)] = writer._add_object(_with_stamp(resources, form_ref, font_ref))
        page[NameObject("/Resources")] = shared
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else ArrayObject()
        existing = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
        # The part's own content runs inside q … Q, so whatever state it leaves does not move ours.
        # The stamp and the number are page furniture: an artifact, outside the structure tree.
        pop = _stream(writer, (ARTIFACT_BEGIN if tagged else b"Q\n") + b"q /CtpStamp Do Q\n"
                      + numbers.operators(n, total, float(page.mediabox.width), font) + (b"EMC\n" if tagged else b""))
        page[NameObject("/Contents")] = ArrayObject([push, *existing, pop])
    fontmerge.merge_fonts(writer, font_cache)
    buffer = BytesIO()
    writer.write(buffer)
    pdf = joined.pdf
    with pikepdf.open(BytesIO(buffer.getvalue())) as stamped_pdf:
        structure.take_stamped(pdf, stamped_pdf)
        _resolve_page_links(pdf)
        _add_outlines(pdf, outlines, continued)
        pdf.Root.PageMode = pikepdf.Name.UseOutlines
        structure.finish(pdf, title, tagged=tagged)
        if seal_field is not None:
            structure.add_signature_field(pdf, *seal_field, tagged=tagged)
        # qpdf packs the small objects (pages, resources, outline, links, structure elements) into
        # compressed object streams, as WeasyPrint does for a one-pass PDF. PDF 1.7: what PDF/A-2
        # and PDF/UA-1 build on (the parts are 1.7 too).
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                 min_version="1.7")
    return total


def _with_stamp(resources: DictionaryObject, form_ref, font_ref) -> DictionaryObject:
    """A copy of a page's resources that also names the furniture stamp and the numbers' font."""
    resources = DictionaryObject(resources)
    for kind, name, ref in (("/XObject", "/CtpStamp", form_ref), ("/Font", "/CtpNum", font_ref)):
        entries = resources.get(kind)
        entries = DictionaryObject(entries.get_object()) if entries is not None else DictionaryObject()
        entries[NameObject(name)] = ref
        resources[NameObject(kind)] = entries
    return resources


def _resolve_page_links(pdf: pikepdf.Pdf) -> None:
    """Every link annotation to `ctportal-page:N` becomes a link to the top of page N."""
    pages = pdf.pages
    for page in pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith(PAGE_LINK):
                continue
            del annot["/A"]
            try:
                number = int(uri[len(PAGE_LINK):])
                if number < 1:
                    raise IndexError(number)
                target = pages[number - 1]
            except (ValueError, IndexError):
                continue  # a page that is not there: the link is dropped, the text stays
            annot.Dest = pikepdf.Array([target.obj, pikepdf.Name.XYZ, 0, float(target.mediabox[3]), None])


def _add_outlines(pdf: pikepdf.Pdf, outlines: list[tuple[int, list[Bookmark]]], continued: Set[int]) -> None:
    """Each part's bookmarks shifted by its first page; a continued part's nest under the last
    top-level bookmark of the part it continues."""
    def item(b: Bookmark, offset: int) -> pikepdf.OutlineItem:
        made = pikepdf.OutlineItem(b.title, offset + b.page)
        made.children.extend(item(c, offset) for c in b.children)
        return made

    with pdf.open_outline() as outline:
        parent = None
        for i, (first, bookmarks) in enumerate(outlines):
            items = [item(b, first) for b in bookmarks]
            if i in continued and parent is not None:
                parent.children.extend(items)
            elif items:
                outline.root.extend(items)
                parent = items[-1]
