"""Page numbers "n / N", drawn straight into the assembled PDF in the bundled Liberation Serif.

Everything else on the page furniture (document number, LIMITE, EN) is the same on every page:
WeasyPrint renders it once, as one page, and assembly lays that page over every page. The page
number is the only thing that differs, and WeasyPrint lays out a whole page to print it — about
6 ms a page, three seconds for a 466-page edition, on the critical path after the body. So the
numbers are written here as PDF text: a fontTools subset of the bundled font holding only the
glyphs "0–9", " " and "/", embedded once per document, and one text line per page. Because the
font is a plain TrueType font with WinAnsi codes (the twelve characters are ASCII), the numbers
extract as text and read the same in every viewer.

Where the number goes matches print.css: centred on the page's content box, vertically centred
in the bottom margin like the other bottom margin boxes.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from functools import lru_cache
from io import BytesIO

from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject,
                           StreamObject)

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "LiberationSerif-Regular.ttf"
CHARS = "0123456789 /"
SIZE = 10  # pt, as the other footer text (furniture.html)
MM = 72 / 25.4
# print.css: @page { size: A4; margin: 25mm 25mm 25mm 25mm }
MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 25 * MM, 25 * MM, 25 * MM
FIRST_CODE, LAST_CODE = 32, 57  # " " … "9" in WinAnsi (= ASCII here)


@dataclass(frozen=True)
class Metrics:
    program: bytes              # the subset TrueType font
    widths: dict[str, float]    # advance per character, in 1/1000 em
    ascent: float
    descent: float              # negative, in 1/1000 em
    cap_height: float
    bbox: tuple[float, float, float, float]


def metrics(cache_dir: Path | None = None) -> Metrics:
    """The subset font and its metrics: made once per process, and kept in `cache_dir` (the parts
    cache) so a fresh process skips loading and subsetting the whole font (≈ 0.3 s)."""
    if cache_dir is None:
        return _subset()
    from fontTools import version as fonttools_version
    digest = hashlib.sha256(FONT_FILE.read_bytes() + f"|{CHARS}|{fonttools_version}".encode()).hexdigest()[:20]
    path = Path(cache_dir) / f"page-numbers-font-{digest}.json"
    try:
        data = json.loads(path.read_text())
        return Metrics(base64.b64decode(data["program"]), data["widths"], data["ascent"], data["descent"],
                       data["cap_height"], tuple(data["bbox"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not there yet (or unreadable): make it and write it
    m = _subset()
    data = {**asdict(m), "program": base64.b64encode(m.program).decode("ascii")}
    tmp = path.with_name(f".partial-{os.getpid()}-{path.name}")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)
    return m


@lru_cache(maxsize=1)
def _subset() -> Metrics:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_FILE))
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's timestamps: not needed
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=CHARS)
    subsetter.subset(font)
    scale = 1000 / font["head"].unitsPerEm
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    widths = {ch: hmtx[cmap[ord(ch)]][0] * scale for ch in CHARS}
    head, hhea = font["head"], font["hhea"]
    out = BytesIO()
    font.save(out)
    return Metrics(out.getvalue(), widths, hhea.ascent * scale, hhea.descent * scale,
                   getattr(font["OS/2"], "sCapHeight", hhea.ascent) * scale,
                   (head.xMin * scale, head.yMin * scale, head.xMax * scale, head.yMax * scale))


def add_font(writer: PdfWriter, m: Metrics):
    """Embed the subset font in `writer` once; returns the font dictionary's reference."""
    program = StreamObject()
    program.set_data(m.program)
    program[NameObject("/Length1")] = NumberObject(len(m.program))
    program = program.flate_encode()
    name = NameObject("/CTPNUM+LiberationSerif")  # a subset is named with a six-letter tag
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"), NameObject("/FontName"): name,
        NameObject("/Flags"): NumberObject(32),  # non-symbolic: codes are WinAnsi
        NameObject("/FontBBox"): ArrayObject(FloatObject(round(v, 3)) for v in m.bbox),
        NameObject("/ItalicAngle"): NumberObject(0), NameObject("/Ascent"): FloatObject(round(m.ascent, 3)),
        NameObject("/Descent"): FloatObject(round(m.descent, 3)),
        NameObject("/CapHeight"): FloatObject(round(m.cap_height, 3)), NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile2"): writer._add_object(program),
    })
    widths = ArrayObject(FloatObject(round(m.widths.get(chr(code), 0), 3))
                         for code in range(FIRST_CODE, LAST_CODE + 1))
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/TrueType"),
        NameObject("/BaseFont"): name, NameObject("/FirstChar"): NumberObject(FIRST_CODE),
        NameObject("/LastChar"): NumberObject(LAST_CODE), NameObject("/Widths"): widths,
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        NameObject("/FontDescriptor"): writer._add_object(descriptor),
        NameObject("/ToUnicode"): writer._add_object(_to_unicode()),
    })
    return writer._add_object(font)


def _to_unicode() -> StreamObject:
    """Codes 32–57 are the ASCII characters they name; said explicitly, so every text extractor
    (and screen reader) gets the numbers right, not only those that know WinAnsi."""
    cmap = StreamObject()
    cmap.set_data((
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"1 beginbfrange <{FIRST_CODE:02X}> <{LAST_CODE:02X}> <{FIRST_CODE:04X}> endbfrange\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n").encode("ascii"))
    return cmap


def text_width(text: str, m: Metrics) -> float:
    """Width of `text` at SIZE, in points."""
    return sum(m.widths[ch] for ch in text) * SIZE / 1000


def operators(n: int, total: int, page_width: float, m: Metrics, font_name: str = "/CtpNum") -> bytes:
    """The PDF operators that print "n / total" on a page `page_width` points wide."""
    text = f"{n} / {total}"
    centre = MARGIN_LEFT + (page_width - MARGIN_LEFT - MARGIN_RIGHT) / 2
    # The line box (ascent + descent high) sits in the middle of the bottom margin.
    line = (m.ascent - m.descent) * SIZE / 1000
    baseline = MARGIN_BOTTOM / 2 + line / 2 - m.ascent * SIZE / 1000
    x = centre - text_width(text, m) / 2
    return (f"BT {font_name} {SIZE:g} Tf 0 g {x:.3f} {baseline:.3f} Td ({text}) Tj ET\n").encode("ascii")
