"""The print templates as HTML: one Jinja environment over pdf/templates, and the version of
everything besides the data that shapes a rendered part (templates, CSS, fonts, WeasyPrint)."""
from __future__ import annotations

import hashlib
import importlib.metadata
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

PDF_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def template_version() -> str:
    """A hash of everything besides the data that shapes a part: templates, CSS, font files, and
    the renderer's own version (an upgraded WeasyPrint lays pages out differently)."""
    # The installed version, read without importing WeasyPrint (≈ 0.5 s): a compile whose every
    # part is cached renders nothing and should not pay for loading the renderer.
    digest = hashlib.sha256(b"ctportal-pdf-2")
    digest.update(f"weasyprint {importlib.metadata.version('weasyprint')}".encode())
    # tagging.py shapes every part's structure tree: a change there renders the parts again.
    for path in sorted(PDF_DIR.glob("templates/*.html")) + [PDF_DIR / "print.css", PDF_DIR / "tagging.py"] + sorted(
            PDF_DIR.glob("fonts/*.ttf")):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(PDF_DIR / "templates")),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def html(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(c=context)


def css_string_body(text: str) -> str:
    """Text safe inside a double-quoted CSS string in a <style> element: anything but plain
    letters, digits, space and . , - / : is written as a CSS hex escape (no quote, no "</style>")."""
    return "".join(ch if ch.isalnum() and ch.isascii() or ch in " .,-/:" else f"\\{ord(ch):06x}" for ch in text)
