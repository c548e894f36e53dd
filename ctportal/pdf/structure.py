"""One structure tree for an edition joined from tagged parts, and what makes it PDF/UA-1 and PDF/A-2a.

Every part is a tagged WeasyPrint render of its own (ctportal/pdf/tagging.py): a StructTreeRoot
with one Document element, a ParentTree (number tree: a page's /StructParents → the elements of
its marked content by MCID; an annotation's /StructParent → its Link element) and an IDTree.
pypdf's page copying drops all of that, so the parts are joined here with qpdf (pikepdf) instead:

* each part's pages are appended, then its StructTreeRoot is copied from the same source; qpdf
  keeps one map of copied objects per source file, so the copied elements' /Pg and the OBJRs'
  /Obj point at the pages and annotations just appended — no element is visited in Python;
* the parts' Document elements' children go under one Document element;
* the ParentTree keys of part k are shifted by the keys parts 0…k−1 used, and so are its pages'
  /StructParents and its annotations' /StructParent (one pass over pages and annotations);
* IDTrees are merged (ids are unique per part already) and RoleMaps joined; so are the named
  destinations of the parts' own anchors (the contents' "Summary" entries), first name wins.

The joined pages, without the tree, then go through pypdf as before (stamp, numbers, fonts:
ctportal/pdf/assemble.py; the stamp is written as an /Artifact); `take_stamped` puts the stamped
content and resources back on the joined pages, links and outline are made there, and `finish` adds the
catalogue entries and metadata PDF/UA and PDF/A ask for: /MarkInfo, /Lang, DisplayDocTitle,
XMP metadata with the title and the pdfaid (part 2, conformance A) and pdfuaid (part 1)
identification — pdfuaid described by a PDF/A extension schema, as PDF/A requires of any property
outside its predefined schemas — and an sRGB output intent (the profile WeasyPrint ships).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from importlib.resources import files
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

LANG = "en"
PRODUCER = "ctportal (WeasyPrint, pypdf, qpdf)"


def _nums(tree: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    """The (key, value) pairs of a number tree, leaves in order."""
    out: list[tuple[int, pikepdf.Object]] = []
    if "/Nums" in tree:
        items = list(tree.Nums)
        out.extend((int(items[i]), items[i + 1]) for i in range(0, len(items) - 1, 2))
    for kid in tree.get("/Kids", []):
        out.extend(_nums(kid))
    return out


def _names(tree: pikepdf.Object) -> list[tuple[bytes, pikepdf.Object]]:
    out: list[tuple[bytes, pikepdf.Object]] = []
    if "/Names" in tree:
        items = list(tree.Names)
        out.extend((bytes(items[i]), items[i + 1]) for i in range(0, len(items) - 1, 2))
    for kid in tree.get("/Kids", []):
        out.extend(_names(kid))
    return out


@dataclass
class Joined:
    """The parts joined (`pdf`, with its structure tree), each part's first page (0-based), and
    the same pages without the tree as a file (`pages_only`) for pypdf to stamp: pypdf then copies
    pages and resources only, not the ≈ 60 objects a page of structure adds."""
    pdf: pikepdf.Pdf
    firsts: list[int]
    pages_only: BytesIO
    sources: list[pikepdf.Pdf]

    def close(self) -> None:
        self.pdf.close()
        for src in self.sources:
            src.close()


def join(paths: list[Path], *, tagged: bool = True) -> Joined:
    """The parts joined, with one structure tree (`tagged`). Close it after saving `pdf`: qpdf
    copies stream data from the parts' files lazily."""
    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
    children: list[pikepdf.Object] = []
    nums: list[tuple[int, pikepdf.Object]] = []
    ids: list[tuple[bytes, pikepdf.Object]] = []
    role_map: dict[str, pikepdf.Object] = {}
    lang = None
    offset = 0
    firsts: list[int] = []
    sources = []
    dests: dict[bytes, pikepdf.Object] = {}
    for path in paths:
        src = pikepdf.open(path)
        sources.append(src)  # open until the edition is written: qpdf copies stream data lazily
        first = len(out.pages)
        firsts.append(first)
        with warnings.catch_warnings():  # named destinations are merged below
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            out.pages.extend(src.pages)
        names = src.Root.get("/Names")
        if names is not None and "/Dests" in names:  # a part's own anchors (#summary): copied, first wins
            for name, target in _names(out.copy_foreign(src.make_indirect(names.Dests))):
                dests.setdefault(name, target)
        root = src.Root.get("/StructTreeRoot")
        if lang is None and "/Lang" in src.Root:
            lang = str(src.Root.Lang)
        if root is None or not tagged:
            continue  # an untagged part (none is, but an old cached file may be): nothing to merge
        root = out.copy_foreign(root)
        used = -1
        if "/ParentTree" in root:
            for number, parent in _nums(root.ParentTree):
                nums.append((number + offset, parent))
                used = max(used, number)
        if "/ParentTreeNextKey" in root:
            used = max(used, int(root.ParentTreeNextKey) - 1)
        for page in out.pages[first:]:
            obj = page.obj
            if "/StructParents" in obj:
                obj.StructParents = int(obj.StructParents) + offset
            for annot in obj.get("/Annots", []):
                annot.F = 4  # printed: PDF/A asks it of every annotation
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        offset += used + 1
        kids = root.K if isinstance(root.K, Array) else [root.K]
        for top in kids:
            inner = top.get("/K", Array()) if top.get("/S") == Name.Document else Array([top])
            for kid in (inner if isinstance(inner, Array) else Array([inner])):
                if isinstance(kid, Dictionary):
                    kid.P = document
                children.append(kid)
        if "/IDTree" in root:
            ids.extend(_names(root.IDTree))
        for role, standard in (root.get("/RoleMap") or Dictionary()).items():
            role_map.setdefault(role, standard)
    tree = out.make_indirect(Dictionary(
        Type=Name.StructTreeRoot, K=Array([document]), ParentTreeNextKey=offset,
        ParentTree=out.make_indirect(Dictionary(Nums=Array([x for key, value in sorted(nums, key=lambda kv: kv[0])
                                                            for x in (key, value)])))))
    if ids:
        tree.IDTree = out.make_indirect(Dictionary(Names=Array(
            [x for key, value in sorted(ids, key=lambda kv: kv[0]) for x in (String(key), value)])))
    if role_map:
        tree.RoleMap = Dictionary(role_map)
    document.P = tree
    document.K = Array(children)
    if tagged:
        out.Root.StructTreeRoot = tree
    if dests:
        out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Names=Array(
            [x for key, value in sorted(dests.items()) for x in (String(key), value)]))))
    if tagged:
        out.Root.MarkInfo = Dictionary(Marked=True)
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    out.Root.Lang = String(lang or LANG)
    buffer = BytesIO()
    if tagged:
        del out.Root.StructTreeRoot  # only for the copy pypdf works on (put back below)
    out.save(buffer, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    if tagged:
        out.Root.StructTreeRoot = tree
    buffer.seek(0)
    return Joined(out, firsts, buffer, sources)


def take_stamped(pdf: pikepdf.Pdf, stamped: pikepdf.Pdf) -> None:
    """Each page of `pdf` gets the content and resources of the same page of `stamped` (the pypdf
    pass: stamp, numbers, merged fonts). Its annotations and the structure tree stay, so every
    /Pg, /OBJR and MCID still holds (the part's own content streams are among those taken)."""
    for page, done in zip(pdf.pages, stamped.pages, strict=True):
        contents = done.obj.Contents
        items = contents if isinstance(contents, Array) else [contents]
        page.obj.Contents = Array([pdf.copy_foreign(s if s.is_indirect else stamped.make_indirect(s))
                                   for s in items])
        resources = done.obj.Resources
        page.obj.Resources = pdf.copy_foreign(resources if resources.is_indirect
                                              else stamped.make_indirect(resources))


def finish(pdf: pikepdf.Pdf, title: str, *, tagged: bool = True) -> None:
    """Title, XMP metadata (PDF/A-2a, PDF/UA-1) and the sRGB output intent, on the assembled edition
    (an untagged one gets its title only)."""
    pdf.docinfo = pdf.make_indirect(Dictionary(Title=String(title), Producer=String(PRODUCER)))
    if not tagged:
        return
    pdf.Root.Metadata = pdf.make_stream(xmp(title, str(pdf.Root.get("/Lang", LANG))).encode("utf-8"),
                                        Type=Name.Metadata, Subtype=Name.XML)
    profile = pdf.make_stream(files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes(), N=3)
    pdf.Root.OutputIntents = Array([Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=String("sRGB IEC61966-2.1"),
        Info=String("sRGB IEC61966-2.1"), RegistryName=String("http://www.color.org"),
        DestOutputProfile=profile)])
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    if "/Lang" not in pdf.Root:
        pdf.Root.Lang = String(LANG)


def add_signature_field(pdf: pikepdf.Pdf, name: str, tooltip: str, *, tagged: bool = True) -> None:
    """An empty, invisible signature field on the first page, for the seal to fill (pyHanko signs an
    existing field by its name). It is made here, not by pyHanko's incremental update, because PDF/UA
    asks of every widget what only the assembly can give: a /TU (what a screen reader says) and a Form
    structure element whose OBJR points at it, in the parent tree."""
    page = pdf.pages[0].obj
    widget = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, T=String(name), TU=String(tooltip),
        Rect=Array([0, 0, 0, 0]), F=132, P=page))  # printed (PDF/A) and locked; no size: invisible
    page.Annots = Array([*page.get("/Annots", Array()), widget])
    page.Tabs = Name.S  # PDF/UA: a page with annotations is read in structure order
    pdf.Root.AcroForm = Dictionary(Fields=Array([widget]))
    if not tagged or "/StructTreeRoot" not in pdf.Root:
        return
    tree = pdf.Root.StructTreeRoot
    document = tree.K[0]
    key = int(tree.ParentTreeNextKey)
    form = pdf.make_indirect(Dictionary(
        Type=Name.StructElem, S=Name.Form, P=document, Pg=page, Alt=String(tooltip),
        K=Array([Dictionary(Type=Name.OBJR, Obj=widget, Pg=page)])))
    document.K = Array([*document.K, form])
    widget.StructParent = key
    tree.ParentTree.Nums = Array([*tree.ParentTree.Nums, key, form])
    tree.ParentTreeNextKey = key + 1


def xmp(title: str, lang: str) -> str:
    """The XMP packet: dc:title, dc:language, pdf:Producer, pdfaid (2, A), pdfuaid (1) and its
    extension schema."""
    t, lg = escape(title), escape(lang)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{lg}</rdf:li></rdf:Bag></dc:language>
   <dc:format>application/pdf</dc:format>
   <pdf:Producer>{escape(PRODUCER)}</pdf:Producer>
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>A</pdfaid:conformance>
   <pdfuaid:part>1</pdfuaid:part>
   <pdfaExtension:schemas>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType="Resource">
         <pdfaProperty:name>part</pdfaProperty:name>
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
         <pdfaProperty:category>internal</pdfaProperty:category>
         <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
        </rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
