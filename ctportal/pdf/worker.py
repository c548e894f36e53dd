"""A rendering worker: a separate process that turns HTML into PDF with WeasyPrint, under limits.

Started by ctportal.pdf.renderer as `python -m ctportal.pdf.worker MEMORY_MB NICE`. It reads one JSON
request per line on stdin ({"html": ..., "out": path, "tagged": bool}) and answers one JSON line on stdout
({"ok": true, "pages": n} or {"ok": false, "error": ...}). Its address space is capped with
RLIMIT_AS (a render that needs more gets MemoryError, or the process dies — either way the
parent reports a clean failure); the parent kills it when a render exceeds its time limit. It
lowers its own CPU priority by NICE, so a compile takes the cores the web pages leave idle.
The worker knows nothing of the database: it only ever sees HTML the portal made.

A tagged render (every part but the page furniture) is a PDF/UA structure tree made by WeasyPrint
(`pdf_tags`), completed where WeasyPrint 70 leaves gaps (ctportal/pdf/tagging.py): header cells'
/Scope, /Lang on elements whose HTML says another language, link annotations' /Contents, a
table's /Summary, and element ids unique across parts with an /IDTree, so assembly can merge
the parts' trees as they are (ctportal/pdf/structure.py).
"""
from __future__ import annotations

import json
import os
import resource
import sys


def set_limits(memory_mb: int, nice: int = 0) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if nice:
        os.nice(nice)


class Renderer:
    """WeasyPrint with the bundled stylesheet parsed once and reused for every render."""

    def __init__(self) -> None:
        import logging

        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from ctportal.pdf.fetcher import CSS_FILE, AssetFetcher

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        self.fetcher = AssetFetcher()
        self.fonts = FontConfiguration()
        self.css = CSS(filename=str(CSS_FILE), url_fetcher=self.fetcher, font_config=self.fonts)

    def render(self, html: str, out: str, tagged: bool = True) -> int:
        from weasyprint import HTML

        from ctportal.pdf import tagging

        # base_url is the CSS file's folder only so the bundled stylesheet's relative font URLs
        # resolve; anything else a document names is refused by the fetcher.
        document = HTML(string=html, base_url=self.css.base_url, url_fetcher=self.fetcher).render(
            stylesheets=[self.css], font_config=self.fonts)
        if tagged:
            tagging.install()
            document.write_pdf(out, attachments=[], pdf_forms=False, pdf_tags=True, pdf_version="1.7",
                               finisher=tagging.finisher(html))
        else:
            document.write_pdf(out, attachments=[], pdf_forms=False)
        return len(document.pages)


def main() -> None:
    memory_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    nice = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    set_limits(memory_mb, nice)
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but answers on the answer channel
    try:  # load WeasyPrint, the stylesheet and the fonts before the first request arrives
        renderer = Renderer()
    except Exception:  # noqa: BLE001 - tried again (and reported) with the first request
        renderer = None
    for line in sys.stdin:
        try:
            request = json.loads(line)
            if renderer is None:
                renderer = Renderer()
            pages = renderer.render(request["html"], request["out"], bool(request.get("tagged", True)))
            answer: dict[str, object] = {"ok": True, "pages": pages}
        except MemoryError:
            answer = {"ok": False, "error": "the render exceeded its memory limit"}
        except Exception as exc:  # noqa: BLE001 - any failure is reported, the worker stays up
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
