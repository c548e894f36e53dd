"""The edition in Word (issue 16, item 3): a DOCX written from the very part contexts the PDF is
rendered from (services/editions/parts.py), so it holds the same texts, nothing more.

* headings as Word's Heading 1–3 (Heading 4 for a field's label inside an entry), in the PDF's
  order, so the navigation pane lists them; narratives' own headings are bold paragraphs, as the
  PDF keeps them out of the bookmarks;
* tables as Word tables whose header row repeats on every page (`w:tblHeader`);
* header and footer as the PDF's furniture: the document number and LIMITE (and DRAFT on a draft)
  above, the number, "n / N" (PAGE and NUMPAGES fields) and "LIMITE  EN" below;
* the Kosovo* footnote as a real Word footnote at the first mention, its asterisk the mark, and
  the plan's own footnotes as footnotes with the plan's numbers. python-docx has no footnote
  API: the footnotes part (word/footnotes.xml) is written here;
* the Commission's texts and the narratives: their sanitised HTML (the same as the PDF's) turned
  into paragraphs, lists, bold, italic and links.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterable

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part as OpcPart
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.oxml.table import CT_Tbl
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml import html as lxml_html

FONT = "Times New Roman"
VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]  # in the DOCX's cache key
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _flow(text: str) -> str:
    """HTML's text as it reads: a line break in the source is a space (Markdown's soft breaks)."""
    return re.sub(r"\s*\n\s*", " ", text)


def _xml_text(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


class Writer:
    def __init__(self, *, title: str, document_number: str, draft: bool, issued_on: dt.date | None,
                 starred: dict[str, str]) -> None:
        self.doc = Document()
        self.document_number = document_number
        self.draft = draft
        self.notes: list[tuple[str, str]] = []   # (mark, text), in order
        self.starred = dict(starred)             # "Kosovo*" -> its footnote, until first mentioned
        self._setup(title, issued_on)
        # Looking a style up by name scans every style of the template: once, here.
        self.style_ids = {st.name: st.style_id for st in self.doc.styles}
        # Everything goes before the body's last element, its section properties. python-docx's
        # add_paragraph looks for that element among all the body's children on every call, which
        # made a 400-page edition quadratic.
        self.end = self.doc.element.body.sectPr

    def new_paragraph(self) -> Paragraph:
        p = OxmlElement("w:p")
        self.end.addprevious(p)
        return Paragraph(p, self.doc._body)

    # --- the document's frame ----------------------------------------------------------------

    def _setup(self, title: str, issued_on: dt.date | None) -> None:
        doc = self.doc
        for rel_id, rel in list(doc.part.package.rels.items()):   # the template's thumbnail picture
            if rel.reltype == RT.THUMBNAIL:
                doc.part.package.rels.pop(rel_id)
        props = doc.core_properties
        props.title, props.author, props.language = title, "ctportal", "en"
        props.subject = "Joint Action Plan on Counter-Terrorism for the Western Balkans"
        props.keywords = "LIMITE"
        moment = dt.datetime.combine(issued_on, dt.time(12, 0)) if issued_on else dt.datetime.now()
        props.created = props.modified = moment
        props.last_modified_by, props.revision = "ctportal", 1
        normal = doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(12)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-GB")
        rpr.append(lang)
        normal.paragraph_format.space_after = Pt(6)
        for level, size in ((1, 14), (2, 12), (3, 12), (4, 12)):
            style = doc.styles[f"Heading {level}"]
            style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
            style.font.italic = level == 3
            style.font.color.rgb = RGBColor(0, 0, 0)
            fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
            if fonts is not None:
                for attr in list(fonts.attrib):
                    del fonts.attrib[attr]
                for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                    fonts.set(qn(attr), FONT)
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(25))
        section.header_distance = section.footer_distance = Mm(12)
        self._furniture(section)

    def _furniture(self, section: Any) -> None:
        head = section.header.paragraphs[0]
        self._tabs(head)
        self._run(head, self.document_number, size=10)
        head.add_run("\t")
        if self.draft:
            self._run(head, "DRAFT", size=12, bold=True)
        head.add_run("\t")
        self._run(head, "LIMITE", size=10, bold=True)
        foot = section.footer.paragraphs[0]
        self._tabs(foot)
        self._run(foot, self.document_number, size=10)
        foot.add_run("\t")
        self._field(foot, "PAGE", "1")
        self._run(foot, " / ", size=10)
        self._field(foot, "NUMPAGES", "1")
        foot.add_run("\t")
        self._run(foot, "LIMITE\u2003EN", size=10, bold=True)

    @staticmethod
    def _tabs(paragraph: Paragraph) -> None:
        stops = paragraph.paragraph_format.tab_stops
        stops.add_tab_stop(Mm(80), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(Mm(160), WD_TAB_ALIGNMENT.RIGHT)

    def _field(self, paragraph: Paragraph, instruction: str, shown: str) -> None:
        """A Word field (PAGE, NUMPAGES, TOC): begin, instruction, separate, its last result, end."""
        def char(kind: str) -> None:
            run = paragraph.add_run()
            run.font.size = Pt(10)
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        char("begin")
        run = paragraph.add_run()
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        run._r.append(instr)
        char("separate")
        self._run(paragraph, shown, size=10)
        char("end")

    # --- text ----------------------------------------------------------------------------------

    def _run(self, paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
             size: float | None = None) -> Any:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if size:
            run.font.size = Pt(size)
        return run

    def text(self, paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
             size: float | None = None) -> None:
        """Text as runs; the first mention of a starred name ("Kosovo*") carries its footnote."""
        for name in list(self.starred):
            at = text.find(name)
            if at < 0:
                continue
            note = self.starred.pop(name)
            self.text(paragraph, text[:at + len(name) - 1], bold=bold, italic=italic, size=size)
            self.footnote(paragraph, "*", note)
            self.text(paragraph, text[at + len(name):], bold=bold, italic=italic, size=size)
            return
        if text:
            self._run(paragraph, text, bold=bold, italic=italic, size=size)

    def footnote(self, paragraph: Paragraph, mark: str, note: str) -> None:
        """A footnote reference with its own mark (the PDF's "*" or the plan's number)."""
        self.notes.append((mark, note))
        run = paragraph.add_run()
        rpr = run._r.get_or_add_rPr()
        va = OxmlElement("w:vertAlign")
        va.set(qn("w:val"), "superscript")
        rpr.append(va)
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:customMarkFollows"), "1")
        ref.set(qn("w:id"), str(len(self.notes)))
        run._r.append(ref)
        shown = OxmlElement("w:t")   # the mark, in the reference's own run (as Word writes it)
        shown.text = mark
        run._r.append(shown)

    def worded(self, paragraph: Paragraph, words: dict[str, Any], **kw: Any) -> None:
        """A text of the plan with its footnotes (domain/plan_words: [words, number, note] segments)."""
        for segment, number, note in words.get("segments") or [[words.get("text", ""), None, ""]]:
            self.text(paragraph, segment, **kw)
            if number is not None:
                self.footnote(paragraph, str(number), note)

    def heading(self, text: str | dict[str, Any], level: int, *, new_page: bool = False) -> Paragraph:
        paragraph = self.styled(self.new_paragraph(), f"Heading {level}")
        if isinstance(text, dict):
            self.worded(paragraph, text)
        else:
            self.text(paragraph, text)
        paragraph.paragraph_format.page_break_before = new_page or None
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def para(self, text: str = "", *, bold: bool = False, italic: bool = False, size: float | None = None,
             style: str | None = None, align: Any = None) -> Paragraph:
        paragraph = self.styled(self.new_paragraph(), style)
        if text:
            self.text(paragraph, text, bold=bold, italic=italic, size=size)
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def styled(self, paragraph: Paragraph, style: str | None) -> Paragraph:
        if style:
            paragraph._p.get_or_add_pPr().style = self.style_ids[style]
        return paragraph

    def labelled(self, label: str, value: str) -> Paragraph:
        paragraph = self.new_paragraph()
        self.text(paragraph, label, bold=True)
        self.text(paragraph, " " + value)
        return paragraph

    # --- Markdown's HTML ---------------------------------------------------------------------

    def html(self, markup: str, container: Any = None) -> None:
        """The sanitised HTML of a narrative (infra/markdown): paragraphs, lists, emphasis, links."""
        target = container if container is not None else self.doc
        if not markup.strip():
            return
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
        for el in root:
            self._block(el, target, 0)
        if root.text and root.text.strip():
            self._inline_into(self._add_paragraph(target), root)

    def _add_paragraph(self, target: Any, style: str | None = None) -> Paragraph:
        if target is self.doc:
            return self.styled(self.new_paragraph(), style)
        paragraphs = target.paragraphs   # a table cell: its first, empty paragraph is used first
        if len(paragraphs) == 1 and not paragraphs[0].runs:
            return self.styled(paragraphs[0], style)
        return self.styled(target.add_paragraph(), style)

    def _block(self, el: Any, target: Any, depth: int) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "p":
            self._inline_into(self._add_paragraph(target), el)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            paragraph = self._add_paragraph(target)
            self._inline_into(paragraph, el, bold=True)
            paragraph.paragraph_format.keep_with_next = True
        elif tag in ("ul", "ol"):
            number = int(el.get("start") or 1)
            for li in el:
                if not isinstance(li.tag, str) or li.tag != "li":
                    continue
                number = int(li.get("value") or number)
                style = ("List Bullet" if tag == "ul" else "List") + (f" {min(depth + 1, 3)}" if depth else "")
                paragraph = self._add_paragraph(target, style)
                if tag == "ol":
                    paragraph.paragraph_format.left_indent = Mm(8 + 6 * depth)
                    paragraph.paragraph_format.first_line_indent = Mm(-6)
                    self._run(paragraph, f"{number}.\t")
                number += 1
                inline = [c for c in li if not (isinstance(c.tag, str) and c.tag in ("ul", "ol", "p"))]
                self._inline_into(paragraph, li, children=inline)
                for child in li:
                    if isinstance(child.tag, str) and child.tag == "p":
                        self._inline_into(paragraph, child)
                    elif isinstance(child.tag, str) and child.tag in ("ul", "ol"):
                        self._block(child, target, depth + 1)
        elif tag == "blockquote":
            for child in el:
                paragraph = self._add_paragraph(target)
                paragraph.paragraph_format.left_indent = Mm(10)
                self._inline_into(paragraph, child, italic=True)
        elif tag == "pre":
            paragraph = self._add_paragraph(target)
            run = self._run(paragraph, el.text_content())
            run.font.name = "Courier New"
        elif tag == "hr":
            self._add_paragraph(target)
        elif tag == "table":
            rows = [[c.text_content().strip() for c in tr if isinstance(c.tag, str)] for tr in el.iter("tr")]
            if rows:
                self.table(rows[0], rows[1:])
        elif tag:
            self._inline_into(self._add_paragraph(target), el)

    def _inline_into(self, paragraph: Paragraph, el: Any, *, bold: bool = False, italic: bool = False,
                     children: Iterable[Any] | None = None, with_text: bool = True) -> None:
        if with_text and el.text:
            self.text(paragraph, _flow(el.text), bold=bold, italic=italic)
        for child in (el if children is None else children):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                paragraph.add_run().add_break(WD_BREAK.LINE)
            elif tag == "a" and child.get("href"):
                self._link(paragraph, child.get("href"), child.text_content(), bold=bold, italic=italic)
            elif tag:
                self._inline_into(paragraph, child, bold=bold or tag in ("strong", "b"),
                                  italic=italic or tag in ("em", "i"))
            if child.tail:
                self.text(paragraph, _flow(child.tail), bold=bold, italic=italic)

    def _link(self, paragraph: Paragraph, href: str, text: str, *, bold: bool, italic: bool) -> None:
        if not re.match(r"^(https?|mailto):", href):
            self.text(paragraph, text, bold=bold, italic=italic)
            return
        rel = paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        for name in (["w:b"] if bold else []) + (["w:i"] if italic else []):
            rpr.append(OxmlElement(name))
        u = OxmlElement("w:u")
        u.set(qn("w:val"), "single")
        rpr.append(u)
        run.append(rpr)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        run.append(t)
        link.append(run)
        paragraph._p.append(link)

    # --- tables --------------------------------------------------------------------------------

    def table(self, header: list[str] | None, rows: list[list[Any]], *, caption: str = "",
              size: float = 10) -> Any:
        """A Word table; its header row (if any) repeats on every page. A cell is text, or a
        function filling the cell."""
        if caption:
            self.para(caption, style="Caption")
        columns = len(header) if header else max((len(r) for r in rows), default=1)
        tbl = CT_Tbl.new_tbl(0, columns, Mm(160))
        self.end.addprevious(tbl)
        table = Table(tbl, self.doc._body)
        table._tbl.tblPr.style = self.style_ids["Table Grid"]
        if header:
            row = table.add_row()  # type: ignore[no-untyped-call]
            trpr = row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            trpr.append(repeat)
            for cell, value in zip(row.cells, header, strict=False):
                self.text(cell.paragraphs[0], value, bold=True, size=size)
        for values in rows:
            cells = table.add_row().cells  # type: ignore[no-untyped-call]
            if len(values) < columns:   # a cell spanning the rest of the row
                cells[len(values) - 1].merge(cells[-1])
            for cell, value in zip(cells, values, strict=False):
                if callable(value):
                    value(cell)
                else:
                    self.text(cell.paragraphs[0], str(value), size=size)
        return table

    # --- the footnotes part --------------------------------------------------------------------

    def _footnotes_part(self) -> None:
        notes = "".join(
            f'<w:footnote w:id="{i}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="20"/></w:rPr>'
            f'<w:t>{_xml_text(mark)}</w:t></w:r>'
            f'<w:r><w:rPr><w:sz w:val="20"/></w:rPr><w:t xml:space="preserve"> {_xml_text(text)}</w:t></w:r>'
            f'</w:p></w:footnote>' for i, (mark, text) in enumerate(self.notes, start=1))
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w")}>'
               '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
               'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
               '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
               'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
               f'{notes}</w:footnotes>')
        etree.fromstring(xml.encode())  # well-formed, or fail here rather than in Word
        part = OpcPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode(), self.doc.part.package)
        self.doc.part.relate_to(part, RT.FOOTNOTES)

    def save(self) -> bytes:
        self._footnotes_part()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


# --- the parts, as the PDF's templates lay them out ----------------------------------------------

def _status(st: dict[str, str]) -> str:
    return f"{st['symbol']} · {st['title']}"


def _front(w: Writer, c: dict[str, Any]) -> None:
    w.para("Council of the European Union", bold=True, size=16)
    w.para(f"Brussels, {c['issued_on']}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    w.para("(OR. en)", align=WD_ALIGN_PARAGRAPH.RIGHT)
    w.para(c["document_number"], bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    w.para("LIMITE", bold=True, size=14)
    for code in c["subject_codes"]:
        w.para(code)
    w.para("NOTE", bold=True, size=14)
    subject = (f"Progress in implementing the Joint Action Plan on Counter-Terrorism for the Western Balkans — "
               f"{c['title']} ({c['period']}) — for the {c['meeting_name']}, {c['meeting_place']}, {c['meeting_date']}")
    note = w.table(None, [["From:", c["from"]], ["To:", "Delegations"], ["Subject:", subject]], size=12)
    for row in note.rows:
        for run in row.cells[0].paragraphs[0].runs:
            run.bold = True
    w.para("Delegations will find attached the consolidated report on the implementation of the Joint Action Plan, "
           "compiled from the reports approved by the Commission.")
    included = w.para()
    w.text(included, "Approved reports included:", bold=True)
    w.text(included, " " + (", ".join(c["included"]) if c["included"] else "none") + ".")
    missing = w.para()
    w.text(missing, "Reports not yet approved (not included):", bold=True)
    w.text(missing, " " + (", ".join(c["missing"]) if c["missing"] else "none") + ".")

    w.heading("Contents", 1, new_page=True)
    toc = w.para()
    w._field(toc, 'TOC \\o "1-3" \\h \\z \\u', "")
    for t in c["toc"]:
        entry = w.para(t["label"] + (f"\t{t['page']}" if t.get("page") else ""), style=None)
        entry.paragraph_format.left_indent = Mm(8) if t.get("sub") else None
        entry.paragraph_format.tab_stops.add_tab_stop(Mm(160), WD_TAB_ALIGNMENT.RIGHT)
    w.para("(Page numbers as in the PDF edition; in Word, update the field to number this document's pages.)",
           italic=True, size=10)

    s = c["summary"]
    w.heading("Summary", 1, new_page=True)
    w.heading("Status of the actions by partner", 2)
    legend = "; ".join(f"{mark['symbol']} {mark['title']}" for mark in s["legend"])
    w.para(legend + "; · No approved report / not reported",
           size=10)
    w.table(["Action", *[p["name"] for p in s["partners"]]],
            [[row["code"], *[cell["symbol"] for cell in row["cells"]]] for row in s["heatmap"]],
            caption="Implementation status of each partner action and joint action, by partner", size=9)
    w.heading("Actions per objective and party", 2)
    w.para("In each cell: the entries reported as achieved, of all the party's entries on the objective's actions, "
           "then "
           "how many stand at each other status. “No approved report”: the party's report is not approved yet; "
           "“no action”: the objective addresses none of its actions to the party.", size=10)
    rows = []
    for row in s["counts"]:
        if row["cells"] and all(cell["kind"] == "missing" for cell in row["cells"]):
            rows.append([row["party"], "No approved report"])
            continue
        cells = [row["party"]]
        for cell in row["cells"]:
            if cell["kind"] == "missing":
                cells.append("No approved report")
            elif cell["kind"] == "none":
                cells.append("no action")
            else:
                cells.append("\n".join([f"{cell['achieved']} of {cell['total']} achieved",
                                        *[f"{t['n']} {t['title']}" for t in cell["tally"]]]))
        rows.append(cells)
    w.table(["Party", *[f"Objective {n}" for n in s["objectives"]]], rows,
            caption="Entries per party and objective: achieved of all entries, then the others by status", size=9)
    w.heading("Changes since the previous round", 2)
    if not s["previous_round"]:
        w.para("There is no earlier round to compare with.")
        return
    w.para(f"Compared with the approved reports of “{s['previous_round']}”.")
    for ch in s["changes"]:
        w.heading(ch["party"], 3)
        if not ch["compared"]:
            w.para("No approved report in the previous round.")
        elif not ch["moves"]:
            w.para("No status changed.")
        else:
            w.table(["Action", "Before", "Now"], [[m["code"], m["from"], m["to"]] for m in ch["moves"]],
                    caption=f"Status moves of {ch['party']}")


def _objective(w: Writer, c: dict[str, Any]) -> None:
    if not c["continued"]:
        w.heading({"segments": [[f"Part {c['number']} — Objective {c['number']}: ", None, ""],
                                *c["title_words"]["segments"]]}, 1, new_page=True)
        if c["missing"]:
            w.para(f"Not included (no approved report): {', '.join(c['missing'])}.", size=10)
        if c.get("assessment"):
            w.heading("The Commission's assessment", 2)
            if c["assessment"]["scale"]:
                w.labelled("Overall assessment:", c["assessment"]["scale"])
            w.html(c["assessment"]["html"])
    for a in c["actions"]:
        if a.get("lead_in"):
            w.worded(w.para(), a["lead_in"])
        w.heading(f"Action {a['code']}", 2)
        w.worded(w.para(), a["words"])
        w.para(a["group_title"], size=10)
        if a["rows"]:
            _action_rows(w, a)
        else:
            w.para("No approved report covers this action.")
        for f in a.get("figures", []):
            first = "Category" if f["rows"][0]["category"] else "Indicator"
            w.table([first, *f["parties"], "Total"],
                    [[r["category"] or f["name"], *r["cells"], r["total"]] for r in f["rows"]],
                    caption=f"{a['code']}: {f['name']} ({f['unit']}), actual figures and total")


def _action_rows(w: Writer, a: dict[str, Any]) -> None:
    """One row per party reporting on the action, as in the PDF's table."""

    def progress(r: dict[str, Any]) -> Callable[[Any], None]:
        def fill(cell: Any) -> None:
            first = cell.paragraphs[0]
            if r["priority"]:
                target = f" (target: {r['priority']['target']})" if r["priority"]["target"] else ""
                w.text(first, r["priority"]["text"] + target, italic=True, size=10)
                first = cell.add_paragraph()
            w.text(first, r["progress"], size=10)
        return fill
    w.table(["Party", "Status", "Commission assessment", "Key progress"],
            [[r["party"] + ("\nPRIORITY" if r["priority"] else ""), _status(r["status"]),
              r["assessment"] or "—", progress(r)] for r in a["rows"]],
            caption=f"{a['code']}: status, Commission assessment and key progress")


def _commission_text(title: str) -> Callable[[Writer, dict[str, Any]], None]:
    def write(w: Writer, c: dict[str, Any]) -> None:
        w.heading(title, 1, new_page=True)
        w.html(c["html"])
    return write


def _judgement(w: Writer, c: dict[str, Any]) -> None:
    w.heading("Assessment of each partner and recommendations", 1, new_page=True)
    for p in c["partners"]:
        w.heading(p["party"], 2)
        if p["scale"]:
            w.labelled("Overall assessment:", p["scale"])
        w.html(p["html"])
        if p["recommendations"]:
            w.heading(f"Recommendations to {p['party']}", 3)
            for r in p["recommendations"]:
                paragraph = w.para()
                paragraph.paragraph_format.left_indent, paragraph.paragraph_format.first_line_indent = Mm(8), Mm(-8)
                codes = r["codes"]
                w.text(paragraph, f"{r['number']}.\t{r['body']} (action{'s' if len(codes) > 1 else ''} "
                                  f"{', '.join(codes)})")


def _follow_up(w: Writer, c: dict[str, Any]) -> None:
    w.heading(c["title"], 1, new_page=True)
    w.para("What each partner reports it did on every recommendation the Commission addressed to it in the previous "
           "round.")
    for p in c["partners"]:
        w.heading(p["party"], 2)

        def answer(f: dict[str, Any]) -> Callable[[Any], None]:
            def fill(cell: Any) -> None:
                w.text(cell.paragraphs[0], f"{f['status']}.", bold=True, size=10)
                w.html(f["html"], cell)
            return fill
        w.table([f"Recommendation ({p['items'][0]['round']})", "Follow-up"],
                [[f"{f['number']}. {f['recommendation']} (action{'s' if len(f['codes']) > 1 else ''} "
                  f"{', '.join(f['codes'])})", answer(f)] for f in p["items"]])


def _documents_table(w: Writer, docs: list[dict[str, Any]], caption: str, *, party: bool = False) -> None:
    header = (["Party", "Action"] if party else []) + ["Document", "Date", "SHA-256 (prefix)", "Marking"]
    w.table(header, [([d["party"], d["entry"]] if party else []) +
                     [d["name"] + (f" — {d['title']}" if d["title"] else ""), d["date"], d["sha"], d["sensitivity"]]
                     for d in docs], caption=caption, size=9)


def _annex(w: Writer, c: dict[str, Any]) -> None:
    if not c["continued"]:
        w.heading(f"{c['label']} — Report of {c['party']}", 1, new_page=True)
        approved = ", approved by the Commission" if c["approved"] else " (not approved)"
        w.para(f"{c['native_name'] + ' · ' if c['native_name'] else ''}Revision {c['revision']}, submitted on "
               f"{c['submitted']}{approved}. Snapshot SHA-256 {c['snapshot_sha']}…")
    for o in c["objectives"]:
        w.heading(f"Objective {o['number']}: {o['title']}", 2, new_page=c["continued"])
        for e in o["entries"]:
            if e["lead_in"]:
                w.para(e["lead_in"], size=10)
            title = e["code"] + (" PRIORITY" if e["priority"] else "") + (
                " (contribution to a joint action)" if e["kind"] == "joint" else "")
            w.heading(title, 3)
            if e["priority"]:
                target = f" (target: {e['priority']['target']})" if e["priority"]["target"] else ""
                w.para(e["priority"]["text"] + target, italic=True)
            w.para(e["action_text"], italic=True, size=10)
            rows = [["Status", _status(e["status"])]]
            if e["assessment"]:
                rows.append(["Commission assessment", e["assessment"]])
            rows += [[f["label"], f["text"]] for f in e["fields"] if f["kind"] == "plain"]
            fields = w.table(None, rows)
            for row in fields.rows:
                for run in row.cells[0].paragraphs[0].runs:
                    run.bold = True
            for f in e["fields"]:
                if f["kind"] == "markdown":
                    w.heading(f["label"], 4)
                    w.html(f["html"])
                elif f["kind"] == "rows":
                    w.table(f["columns"], [[cell["text"] for cell in row] for row in f["rows"]], caption=f["label"])
            if e.get("figures"):
                w.table(["Indicator", "Baseline", "Target", "Actual"],
                        [[f"{f['name']}{': ' + r['category'].lower() if r['category'] else ''} ({f['unit']})",
                          *r["cells"]] for f in e["figures"] for r in f["rows"]], caption="Figures")
            for o in e.get("originals", []):  # the text as the party wrote it, in its own language
                w.heading(f"{o['label']} ({o['language']})", 4)
                w.html(o["html"])
            if e["documents"]:
                _documents_table(w, e["documents"], "Documents")
    if c["documents"]:
        w.heading("Documents attached to the whole report", 2)
        _documents_table(w, c["documents"], "Documents of the report")


def _documents(w: Writer, c: dict[str, Any]) -> None:
    w.heading(f"{c['label']} — Supporting documents", 1, new_page=True)
    if c["documents"]:
        _documents_table(w, c["documents"], "Every document attached to the approved reports, by party", party=True)
    else:
        w.para("The approved reports have no supporting documents.")


def _processes(w: Writer, c: dict[str, Any]) -> None:
    """The annex of follow-up processes, as processes.html prints it."""
    w.heading(f"{c['label']} — {c['title']}", 1, new_page=True)
    whose = f"that concerned {c['party']}" if c["party"] else ""
    w.para(f"The follow-up processes of the round {whose}".rstrip() + ", as the Commission recorded them: dialogues "
           "and visits, peer-review missions, meetings of the Regional Network of P/CVE coordinators and of the WBCTi.")

    def what(p: dict[str, Any]) -> Callable[[Any], None]:
        def fill(cell: Any) -> None:
            w.text(cell.paragraphs[0], p["kind"], italic=True, size=10)
            w.text(cell.add_paragraph(), p["title"], bold=True)
            if p["parties"]:
                w.text(cell.add_paragraph(), "Parties concerned: " + ", ".join(p["parties"]), size=10)
            if p["html"]:
                w.html(p["html"], cell)
        return fill

    def links(p: dict[str, Any]) -> str:
        lines = [f"Action{'s' if len(p['actions']) > 1 else ''} {', '.join(p['actions'])}"] if p["actions"] else []
        lines += [f"Recommendation {r['number']} to {r['party']}" + (f", {r['round']}" if r["round"] else "")
                  for r in p["recommendations"]]
        return "\n".join(lines) or "—"

    w.table(["Date and place", "Process and outcome", "Followed up"],
            [[f"{p['dates']}\n{p['place']}", what(p), links(p)] for p in c["processes"]], size=10)


WRITERS: dict[str, Callable[[Writer, dict[str, Any]], None]] = {
    "front": _front, "objective": _objective, "objective-block": _objective,
    "introduction": _commission_text("Introduction"), "conclusions": _commission_text("Conclusions"),
    "judgement": _judgement, "follow_up": _follow_up,
    "annex": _annex, "annex-section": _annex, "documents": _documents, "processes": _processes,
}


def starred_names(front: dict[str, Any]) -> dict[str, str]:
    """The names printed with "*" (display_name) and their footnotes, in the order the cover
    mentions them (the same order FootnoteTracker gave the footnotes)."""
    names = [n for n in [*front["included"], *front["missing"]] if n.endswith("*")]
    return dict(zip(dict.fromkeys(names), front["footnotes"], strict=False))


def build_docx(parts: list[tuple[str, dict[str, Any]]], *, title: str, document_number: str, draft: bool,
               issued_on: dt.date | None = None) -> bytes:
    """The DOCX of an edition from its parts' (kind, context) in the PDF's order, front first."""
    front = next(c for kind, c in parts if kind == "front")
    w = Writer(title=title, document_number=document_number, draft=draft, issued_on=issued_on,
               starred=starred_names(front))
    if draft:
        w.para("DRAFT for fact-check", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    for kind, context in parts:
        WRITERS[kind](w, context)
    return w.save()
