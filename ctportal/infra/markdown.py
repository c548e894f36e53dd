"""Report text: Markdown rendered, then sanitised — one function for screen and PDF alike."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in the source is shown as text, never interpreted; nh3 then removes anything
# markdown could still produce that we do not want (images, unknown schemes).
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "a", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
# Links may point to the web or to an email address; no javascript:, data:, file: or relative paths
# that WeasyPrint could try to resolve against the server.
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def _downgrade_headings(html: str) -> str:
    # A narrative sits under the page's own headings: its "# Title" must not outrank them.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    return html


def render(text: str | None) -> Markup:
    """Safe HTML for a Markdown text written by a user."""
    if not text:
        return Markup("")
    html = _downgrade_headings(_md.render(text))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 - sanitised just above
