"""Report text cannot make the PDF read the server's files or reach the network."""
from __future__ import annotations

import http.server
import socket
import subprocess
import threading

import pytest
from pypdf import PdfReader

from ctportal.pdf.fetcher import CSS_FILE, FONT_DIR, AssetFetcher, RefusedURL
from ctportal.pdf.renderer import RenderError, RenderTask, WorkerPool


class Canary:
    """A loopback HTTP server that counts every request it gets."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body{}")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary():
    c = Canary()
    # The canary answers: a request that reached it would be seen.
    with socket.create_connection(("127.0.0.1", c.server.server_address[1]), timeout=2):
        pass
    yield c
    c.close()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "file:///etc/hostname", f"{FONT_DIR.as_uri()}/../../__init__.py",
    f"{FONT_DIR.as_uri()}/%2e%2e/fetcher.py", "file://localhost/etc/passwd", "data:text/css,body{}",
    "http://127.0.0.1:1/x.css", "https://example.org/x.png", "ftp://example.org/x",
    f"{FONT_DIR.as_uri()}/LICENSE", f"{FONT_DIR.as_uri()}/DejaVuSans.ttf?x=1",
])
def test_the_fetcher_refuses_everything_but_bundled_assets(url):
    fetcher = AssetFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    with pytest.raises(RefusedURL):
        fetcher(url)


def test_the_fetcher_serves_the_bundled_fonts_and_stylesheet():
    fetcher = AssetFetcher()
    assert fetcher.fetch(CSS_FILE.as_uri()).read().startswith(b"/*")
    assert fetcher.fetch((FONT_DIR / "DejaVuSerif.ttf").as_uri()).read()[:4] == b"\x00\x01\x00\x00"


def test_the_fetcher_does_not_contact_a_server(canary):
    fetcher = AssetFetcher()
    for path in ("/direct.css", "/redirect"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(canary.url + path)
    assert canary.hits == []


def test_hostile_html_leaves_no_trace_of_local_files_and_makes_no_request(canary, tmp_path):
    """Even if raw HTML reached a template (it does not: see the next test), nothing is fetched."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LOCAL-FILE-CONTENT")
    html = f"""<!doctype html><html><head>
      <link rel="attachment" href="{secret.as_uri()}" title="x">
      <link rel="attachment" href="{canary.url}/attachment">
      <link rel="stylesheet" href="{canary.url}/link.css">
      <style>@import url("{canary.url}/import.css"); @import url("{secret.as_uri()}");
        body {{ background: url("{canary.url}/bg.png"); }}
        @font-face {{ font-family: x; src: url("{canary.url}/font.ttf"); }} p {{ font-family: x; }}</style>
      </head><body><p>Hostile ë ç Ђ</p>
      <img src="{secret.as_uri()}"><img src="file:///etc/passwd"><img src="{canary.url}/img.png">
      <object data="{secret.as_uri()}"></object><embed src="{canary.url}/embed">
      <iframe src="{canary.url}/frame"></iframe><a href="{canary.url}/link" rel="attachment">x</a>
      </body></html>"""
    with WorkerPool(parallel=1, timeout=60, memory_mb=1500, workdir=tmp_path) as pool:
        result = pool.render_one(RenderTask("hostile", html))
    data = result.path.read_bytes()
    assert b"TOP-SECRET" not in data
    root = PdfReader(result.path).trailer["/Root"]
    assert "/EmbeddedFiles" not in (root.get("/Names") or {})
    assert b"/EmbeddedFile" not in data and b"/FileAttachment" not in data
    text = subprocess.run(["pdftotext", str(result.path), "-"], capture_output=True, check=True).stdout.decode()
    assert "Hostile ë ç Ђ" in text and "root:" not in text and "TOP-SECRET" not in text
    assert canary.hits == []


def test_a_render_over_its_time_limit_fails_cleanly(tmp_path):
    html = "".join(f"<p>paragraph {i} of a very long report</p>" for i in range(20000))
    with WorkerPool(parallel=1, timeout=60, memory_mb=1500, workdir=tmp_path) as pool:
        warm = pool.render_one(RenderTask("warm", "<p>ok</p>"))  # the worker is up
        warm.path.unlink()
        pool.timeout = 1
        with pytest.raises(RenderError, match="longer than its limit of 1 seconds"):
            pool.render_one(RenderTask("slow", html))
        pool.timeout = 60
        # The pool replaced the killed worker and still renders.
        ok = pool.render_one(RenderTask("ok", "<p>ok</p>"))
        assert ok.pages == 1
        ok.path.unlink()
    assert not list(tmp_path.glob(".render-*"))  # the killed render left no half-written file


def test_a_render_over_its_memory_limit_fails_cleanly(tmp_path):
    html = "<table>" + "<tr><td>cell</td><td>more</td></tr>" * 30000 + "</table>"
    with WorkerPool(parallel=1, timeout=120, memory_mb=300, workdir=tmp_path) as pool:
        with pytest.raises(RenderError):
            pool.render_one(RenderTask("big", html))
    assert not list(tmp_path.glob(".render-*"))


def test_the_document_number_cannot_break_out_of_the_page_furniture_css():
    from ctportal.pdf.html import html as part_html
    from ctportal.services.editions.parts import furniture_part
    part = furniture_part('ST 1/26"; } </style><img src="file:///etc/passwd"> ü')
    html = part_html(part.template, part.context)
    style = html.split("<style>")[1].split("</style>")[0]
    assert '1/26"' not in style and "<img" not in html and "ü" not in style
    assert 'content: "ST 1/26' in style
