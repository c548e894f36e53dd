"""One embedded copy of each typeface in an assembled PDF, however many parts it was joined from.

Every part is its own WeasyPrint render, so every part embeds its own subset of each face it
uses: joined, an edition of 17 parts carried 61 font files (16 copies of the serif). WeasyPrint
subsets with the glyph ids kept (harfbuzz RETAIN_GIDS, `/CIDToGIDMap /Identity`, `/Identity-H`
encoding), so a glyph id means the same glyph in every part's copy of a face. The copies can
therefore be replaced by one font: a fontTools subset of the bundled font file holding the union
of the glyphs the parts use, with the union of their widths (`/W`) and text mappings
(`/ToUnicode`). No content stream is touched: the parts name the face by the same resource name
and draw the same glyph ids.

Only fonts made exactly that way are merged (Type0, Identity-H, one CIDFontType2 with an identity
CIDToGIDMap, a TrueType program whose PostScript name is one of the bundled fonts'). Anything else
— a fallback face from the system, a font with glyphs missing from it (WeasyPrint then writes its
own encoding CMap) — is left as the part embedded it.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import cast

from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, IndirectObject, NameObject, NumberObject,
                           StreamObject)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
CACHE_PREFIX = "merged-font-"
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")


@lru_cache(maxsize=1)
def bundled_faces() -> dict[str, Path]:
    """PostScript name -> bundled font file."""
    from fontTools.ttLib import TTFont

    faces = {}
    for path in sorted(FONT_DIR.glob("*.ttf")):
        with TTFont(str(path), lazy=True) as font:
            name = font["name"].getDebugName(6)
        if name:
            faces[name] = path
    return faces


@lru_cache(maxsize=8)
def _source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class _Face:
    source: Path
    fonts: list[DictionaryObject] = field(default_factory=list)   # the parts' Type0 font dictionaries
    widths: dict[int, float] = field(default_factory=dict)
    text: dict[int, str] = field(default_factory=dict)            # glyph id -> UTF-16BE hex
    bbox: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])


def _widths(w: ArrayObject) -> dict[int, float]:
    """A CIDFont /W array (`c [w1 w2 …]` and `c_first c_last w` forms) as glyph id -> width."""
    out: dict[int, float] = {}
    items = [x.get_object() for x in w]
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], ArrayObject):
            for k, width in enumerate(items[i + 1]):
                out[first + k] = float(width)
            i += 2
        else:
            for cid in range(first, int(items[i + 1]) + 1):
                out[cid] = float(items[i + 2])
            i += 3
    return out


def _to_unicode(stream: StreamObject) -> dict[int, str] | None:
    """The bfchar entries of a ToUnicode CMap; None if it uses anything else (then it is not merged)."""
    data = stream.get_data()
    if b"bfrange" in data:
        return None
    out: dict[int, str] = {}
    for block in _BFCHAR.findall(data):
        for code, text in _PAIR.findall(block):
            out.setdefault(int(code, 16), text.decode("ascii").upper())
    return out


def _postscript_name(program: bytes) -> str | None:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(BytesIO(program), lazy=True) as font:
            return font["name"].getDebugName(6)
    except Exception:  # noqa: BLE001 - a program fontTools cannot read is left alone
        return None


def _mergeable(font: DictionaryObject) -> tuple[DictionaryObject, DictionaryObject] | None:
    """(descendant CIDFont, descriptor) of a font WeasyPrint embedded with kept glyph ids, else None."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H" or "/ToUnicode" not in font:
        return None
    descendants = font.get("/DescendantFonts")
    if descendants is None or len(descendants.get_object()) != 1:
        return None
    cid = descendants.get_object()[0].get_object()
    if cid.get("/Subtype") != "/CIDFontType2" or cid.get("/CIDToGIDMap") != "/Identity" or "/W" not in cid:
        return None
    descriptor = cid["/FontDescriptor"].get_object()
    return (cid, descriptor) if "/FontFile2" in descriptor else None


def _merged_parts(font: DictionaryObject) -> tuple[DictionaryObject, DictionaryObject]:
    """`_mergeable(font)` of a font already collected into a face (so it is mergeable)."""
    parts = _mergeable(font)
    assert parts is not None  # only fonts _mergeable accepted are collected (_collect)
    return parts


def _font_dicts(writer: PdfWriter):
    """Every /Font resource dictionary of the pages and of the form XObjects they use, once each."""
    seen: set[int] = set()
    todo = [page.get("/Resources") for page in writer.pages]
    while todo:
        resources = todo.pop()
        if resources is None:
            continue
        resources = resources.get_object()
        if id(resources) in seen:
            continue
        seen.add(id(resources))
        fonts = resources.get("/Font")
        if fonts is not None:
            yield fonts.get_object()
        xobjects = cast(DictionaryObject, (resources.get("/XObject") or DictionaryObject()).get_object())
        for xobject in xobjects.values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                todo.append(xobject.get("/Resources"))


def merge_fonts(writer: PdfWriter, cache_dir: Path | None = None) -> int:
    """Replace the parts' copies of each bundled face by one font; returns how many were replaced.

    `cache_dir`: where merged font programs are kept (by source and glyph set), so a compile
    whose text uses the same glyphs as the last one does not subset again.
    """
    faces: dict[str, _Face] = {}
    face_of: dict[int, str] = {}   # id() of a part's font dictionary -> its face's key
    programs: dict[int, str | None] = {}
    uses: list[tuple[DictionaryObject, NameObject, str]] = []
    for fonts in _font_dicts(writer):
        for name, ref in fonts.items():
            font = ref.get_object()
            key = face_of.get(id(font))
            if key is None:
                key = _collect(font, faces, programs)
                if key is None:
                    continue
                face_of[id(font)] = key
            uses.append((fonts, NameObject(name), key))
    if not faces:
        return 0
    merged = {key: _embed(writer, face, cache_dir) for key, face in faces.items()}
    for fonts, name, key in uses:
        fonts[name] = merged[key]
    # The parts' own copies are now referenced by nothing: leave them out of the file. (pypdf's
    # compress_identical_objects would find them too, but one level of references per pass over
    # every object in the file.)
    for face in faces.values():
        for font in face.fonts:
            for ref in _objects_of(font):
                writer._objects[ref.idnum - 1] = None
    return sum(len(face.fonts) for face in faces.values())


def _objects_of(font: DictionaryObject) -> list[IndirectObject]:
    """The indirect objects one embedded Type0 font is made of (WeasyPrint makes them for it alone)."""
    cid, descriptor = _merged_parts(font)
    descendants = font.raw_get("/DescendantFonts")
    refs = [font.indirect_reference, font.raw_get("/ToUnicode"), descendants,
            *descendants.get_object(),  # an ArrayObject yields its items unresolved
            cid.raw_get("/W"), cid.raw_get("/FontDescriptor"), descriptor.raw_get("/FontFile2"),
            dict.get(descriptor, "/CIDSet")]
    return [r for r in refs if isinstance(r, IndirectObject)]


def _collect(font: DictionaryObject, faces: dict[str, _Face], programs: dict[int, str | None]) -> str | None:
    """Add one part's font to its face (keyed by BaseFont and source); the face's key, or None."""
    parts = _mergeable(font)
    if parts is None:
        return None
    cid, descriptor = parts
    program_ref = descriptor.raw_get("/FontFile2")
    idnum = program_ref.idnum if isinstance(program_ref, IndirectObject) else id(program_ref)
    if idnum not in programs:
        programs[idnum] = _postscript_name(cast(StreamObject, descriptor["/FontFile2"].get_object()).get_data())
    source = bundled_faces().get(programs[idnum] or "")
    text = _to_unicode(cast(StreamObject, font["/ToUnicode"].get_object()))
    if source is None or text is None:
        return None
    key = f"{font['/BaseFont']}|{source.name}"
    face = faces.setdefault(key, _Face(source))
    face.fonts.append(font)
    face.widths.update(_widths(cast(ArrayObject, cid["/W"].get_object())))
    for gid, unicode in text.items():
        face.text.setdefault(gid, unicode)
    bbox = [float(v) for v in descriptor.get("/FontBBox", [0, 0, 0, 0])]
    face.bbox = [min(face.bbox[0], bbox[0]), min(face.bbox[1], bbox[1]),
                 max(face.bbox[2], bbox[2]), max(face.bbox[3], bbox[3])]
    return key


def subset_program(source: Path, glyphs: set[int], cache_dir: Path | None = None) -> bytes:
    """The bundled font `source` cut down to `glyphs`, every glyph keeping its id (as WeasyPrint
    subsets), kept in `cache_dir` under the hash of source and glyph set."""
    from fontTools import version as fonttools_version

    digest = hashlib.sha256(f"{_source_digest(source)}|{sorted(glyphs)}|{fonttools_version}".encode()).hexdigest()
    path = Path(cache_dir) / f"{CACHE_PREFIX}{digest[:24]}.ttf" if cache_dir is not None else None
    if path is not None:
        try:
            program = path.read_bytes()
            os.utime(path)  # still in use: `flask prune-parts` keeps it
            return program
        except OSError:
            pass
    program = _subset(source, glyphs)
    if path is not None:
        tmp = path.with_name(f".partial-{os.getpid()}-{path.name}")
        tmp.write_bytes(program)
        os.replace(tmp, path)
    return program


def _subset(source: Path, glyphs: set[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # The options WeasyPrint's own fontTools path uses (weasyprint/pdf/fonts.py), without hinting.
    options = subset.Options(retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True,
                             hinting=False, desubroutinize=True, notdef_outline=False)
    options.drop_tables += ["GSUB", "GPOS", "SVG", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(glyphs | {0}))
    with TTFont(str(source)) as font:
        subsetter.subset(font)
        out = BytesIO()
        font.save(out)
    return out.getvalue()


def _embed(writer: PdfWriter, face: _Face, cache_dir: Path | None) -> IndirectObject:
    """The one font standing in for every copy of `face`: program, descriptor, CIDFont, Type0."""
    glyphs = set(face.widths) | set(face.text)
    program = StreamObject()
    data = subset_program(face.source, glyphs, cache_dir)
    program.set_data(data)
    program[NameObject("/Length1")] = NumberObject(len(data))
    program = program.flate_encode()
    first = face.fonts[0]
    first_cid, first_descriptor = _merged_parts(first)
    # A subset's name starts with six capitals that differ between subsets of one face.
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(repr(sorted(glyphs)).encode()).digest()[:6])
    base = NameObject(f"/{tag}+{str(first['/BaseFont']).split('+', 1)[-1].lstrip('/')}")
    descriptor = DictionaryObject({NameObject(k): v for k, v in first_descriptor.items() if k != "/CIDSet"})
    descriptor[NameObject("/FontName")] = base
    descriptor[NameObject("/FontBBox")] = ArrayObject(FloatObject(round(v, 3)) for v in face.bbox)
    descriptor[NameObject("/FontFile2")] = writer._add_object(program)
    widths = ArrayObject()
    for gid in sorted(face.widths):
        if gid - 1 not in face.widths:
            widths.extend([NumberObject(gid), ArrayObject()])
        widths[-1].append(FloatObject(round(face.widths[gid], 3)))
    cid = DictionaryObject({NameObject(k): v for k, v in first_cid.items()})
    cid.update({NameObject("/BaseFont"): base, NameObject("/W"): widths,
                NameObject("/FontDescriptor"): writer._add_object(descriptor)})
    font = DictionaryObject({NameObject(k): v for k, v in first.items()})
    font.update({NameObject("/BaseFont"): base,
                 NameObject("/DescendantFonts"): ArrayObject([writer._add_object(cid)]),
                 NameObject("/ToUnicode"): writer._add_object(_cmap(face.text))})
    return writer._add_object(font)


def _cmap(text: dict[int, str]) -> StreamObject:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(text.items())
    for i in range(0, len(items), 100):  # at most 100 entries per block
        batch = items[i:i + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(f"<{gid:04x}> <{unicode}>".encode() for gid, unicode in batch)
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    stream = StreamObject()
    stream.set_data(b"\n".join(lines))
    return stream.flate_encode()
