"""Report text: Markdown rendered, then sanitised — one function for screen and PDF alike.

What is saved is what every reader sees. markdown-it stops at 20 levels of nesting and silently drops
everything deeper (thousands of `>` would hide a paragraph from the review page and both PDFs while
the exports, which carry the source, still show it). So the depth of quotes and lists is limited
to MAX_DEPTH, well inside what the renderer renders faithfully: the entry form refuses more
(`nesting_problem`, asked by services/reporting/entries.check_markdown), and a text stored before
that rule is shown as its plain source rather than rendered with a part missing.
"""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

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


# Quotes and lists inside one another. A list costs the parser two levels (list and item), a quote
# one, a paragraph one more: 8 lists stay at 17 of the renderer's 20.
MAX_DEPTH = 8
_OPENS = {"blockquote_open", "bullet_list_open", "ordered_list_open"}
_CLOSES = {"blockquote_close", "bullet_list_close", "ordered_list_close"}


def nesting_depth(text: str) -> int:
    """The deepest quotes-and-lists nesting of `text`, as the renderer parses it (a text nested
    beyond what it renders shows at least MAX_DEPTH + 1 here, since it stops at 20 levels)."""
    depth = deepest = 0
    for token in _md.parse(text):
        if token.type in _OPENS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type in _CLOSES:
            depth -= 1
    return deepest


def nesting_problem(text: str | None) -> str | None:
    """Why `text` cannot be rendered faithfully (nested too deep), or None."""
    if not text:
        return None
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        return (f"quotes or lists are nested {depth} levels deep; at most {MAX_DEPTH} can be shown on screen "
                "and in the PDF, so the deeper text would not be seen. Remove some of the “>” or list markers.")
    return None


def render(text: str | None) -> Markup:
    """Safe HTML for a Markdown text written by a user."""
    if not text:
        return Markup("")
    return _rendered(text) if len(text) <= KEPT_LENGTH else _render(text)


# The HTML depends on the text alone, so a text renders once per process: a submitted or approved
# revision's narratives (the review pages, the feedback) are the same text on every request, and so
# is a draft's until it is saved again. Bounded: at most RENDERED_KEPT texts of at most KEPT_LENGTH
# characters (a narrative's own limit) with their HTML — some 40 MB per process if every one were as
# long as allowed, a few MB with the lengths reports have.
RENDERED_KEPT = 512
KEPT_LENGTH = 20_000


@lru_cache(maxsize=RENDERED_KEPT)
def _rendered(text: str) -> Markup:
    return _render(text)


def _render(text: str) -> Markup:
    if nesting_problem(text):
        # Stored before the limit: every character shown as typed, rather than rendered with text missing.
        return Markup('<pre class="unrendered">{}</pre>').format(escape(text))
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
