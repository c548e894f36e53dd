"""Browser-side protections added to every response."""
from __future__ import annotations

from flask import Flask, Response, request

# No inline script or style anywhere: everything comes from /static on this origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# A file the portal sends (a document, a PDF, an export) is never a page of this origin: opened in
# the browser after all, it runs nothing and reaches nothing (a PDF with HTML inside stays inert).
FILE_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


def _is_file(response: Response) -> bool:
    """A download: sent as a file (send_file) or as an attachment (the CSV and XLSX exports)."""
    if request.endpoint == "static":
        return False
    disposition = response.headers.get("Content-Disposition", "")
    return response.direct_passthrough or disposition.lower().startswith(("attachment", "inline"))


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        h = response.headers
        if _is_file(response):
            h["Content-Security-Policy"] = FILE_CSP
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Pages and files carry report content: nothing may be kept by the browser or a proxy.
        # Static assets (versioned, public) are the only cacheable responses.
        if request.endpoint != "static":
            h["Cache-Control"] = "no-store"
            h["Pragma"] = "no-cache"
        return response
