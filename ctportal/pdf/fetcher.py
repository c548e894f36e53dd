"""The only URL fetcher WeasyPrint gets: it serves the portal's own bundled assets and nothing else.

Report text is sanitised before it reaches a template, but the PDF must stay safe even if a tag
slips through: no `file:` path outside ctportal/pdf/fonts and print.css, no http(s), no data:,
no ftp, no attachments (WeasyPrint fetches `<link rel=attachment>` through this same fetcher), and
no redirects (nothing is opened over the network, so there is nothing to redirect).
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_DIR = Path(__file__).resolve().parent
FONT_DIR = PDF_DIR / "fonts"
CSS_FILE = PDF_DIR / "print.css"
_TYPES = {".ttf": "font/ttf", ".css": "text/css"}


class RefusedURL(ValueError):
    """A resource the PDF may not load; WeasyPrint logs it and renders without it."""


def bundled_asset(url: str) -> Path | None:
    """The bundled file a `file:` URL names, or None if it names anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        return None
    try:
        path = Path(os.path.realpath(unquote(parts.path)))
    except (OSError, ValueError):
        return None
    if path == CSS_FILE:
        return path
    if path.parent == FONT_DIR and path.suffix == ".ttf" and path.is_file():
        return path
    return None


class AssetFetcher(URLFetcher):
    """Serves bundled fonts and the print stylesheet; refuses every other URL without opening it."""

    def __init__(self) -> None:
        # No handlers are used: fetch() never calls urllib.
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):  # WeasyPrint's signature; headers are not needed
        path = bundled_asset(str(url))
        if path is None:
            self.refused.append(str(url)[:200])
            raise RefusedURL(f"refused: {str(url)[:80]}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": _TYPES[path.suffix]})

    # WeasyPrint calls the fetcher; urllib's OpenerDirector.open must never be reachable either.
    def open(self, url, data=None, timeout=None):
        return self.fetch(url if isinstance(url, str) else url.full_url)
