"""What a part's structure tree needs beyond what WeasyPrint 70 writes with `pdf_tags=True`.

Runs inside the render worker (ctportal/pdf/worker.py), on WeasyPrint's own objects:

* every `TH` gets its /Scope (`/Row` for `<th scope="row">`, `/Column` otherwise, as WeasyPrint
  itself reads the attribute to link cells to their headers) — PDF/UA asks it of every header cell;
* an element whose HTML carries `lang` (the party's name in its own language) gets /Lang;
* a link annotation gets /Contents, the link's text (PDF/UA: an alternative description);
* a `<table data-summary="…">` gets the Table attribute /Summary (the heatmap's text alternative);
* the `TH` ids WeasyPrint makes (`objnum-row-col`, unique only inside one render) are prefixed
  with a hash of the HTML, so the ids of two parts never collide in an edition, and the part gets
  the /IDTree the ids need. Assembly then merges the parts' id trees as they are.

`install()` wraps WeasyPrint's `_build_box_tree` (it calls itself through the module's global
name, so the wrapper sees every box); the wrapper only adds keys to elements WeasyPrint made.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column", "both": "/Both"}


def install() -> None:
    from weasyprint.pdf import tags

    if getattr(tags._build_box_tree, "ctportal", False):
        return
    original = tags._build_box_tree

    def build(box, parent, pdf, page_number, nums, annotations, marks):
        import pydyf
        from weasyprint.layout.absolute import AbsolutePlaceholder

        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        annotation = getattr(real, "link_annotation", None)
        if annotation is not None and "Contents" not in annotation and real.element is not None:
            text = " ".join("".join(real.element.itertext()).split())
            if text:
                annotation["Contents"] = pydyf.String(text)
        made = list(original(box, parent, pdf, page_number, nums, annotations, marks))
        element = real.element
        if element is not None and made and real.element_tag not in ("html", "body"):
            own = made[-1]
            lang = element.get("lang")
            if lang and "Lang" not in own:
                own["Lang"] = pydyf.String(lang)
            if own.get("S") == "/Table" and element.get("data-summary"):
                attributes = own.get("A")
                if not isinstance(attributes, dict):
                    own["A"] = attributes = pydyf.Dictionary({"O": "/Table"})
                attributes["Summary"] = pydyf.String(element.get("data-summary"))
        mark = getattr(real, "mark", None)
        if mark is not None and real.element_tag == "th" and mark.get("S") == "/TH":
            mark["A"]["Scope"] = _SCOPES.get((element.get("scope") or "col").lower(), "/Column")
        yield from made

    build.ctportal = True  # type: ignore[attr-defined]
    tags._build_box_tree = build


def finisher(html: str) -> Callable[[Any, Any], None]:
    """A `write_pdf(finisher=…)` that makes the part's element ids its own and adds the /IDTree."""
    prefix = "p" + hashlib.sha256(html.encode()).hexdigest()[:10] + "-"

    def finish(document, pdf) -> None:
        import pydyf

        ids: dict[str, Any] = {}
        root = None
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Type") == "/StructTreeRoot":
                root = obj
            if not isinstance(obj, dict) or obj.get("Type") != "/StructElem":
                continue
            if "ID" in obj:
                new = prefix + _text(obj["ID"])
                obj["ID"] = pydyf.String(new)
                ids[new] = getattr(obj, "reference")  # noqa: B009 - a pydyf object (mypy sees a dict)
            attributes = obj.get("A")
            if isinstance(attributes, dict) and "Headers" in attributes:
                attributes["Headers"] = pydyf.Array(pydyf.String(prefix + _text(h)) for h in attributes["Headers"])
        if ids and root is not None:
            names = pydyf.Array()
            for key in sorted(ids):
                names.extend([pydyf.String(key), ids[key]])
            tree = pydyf.Dictionary({"Names": names})
            pdf.add_object(tree)
            root["IDTree"] = tree.reference
    return finish


def _text(value: Any) -> str:
    return value.string if hasattr(value, "string") else str(value)
