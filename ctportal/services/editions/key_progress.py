"""An entry's key progress in the consolidated report: written, never cut (issue 15, item 3).

The reviewer's edited version, else the party's summary, else the narrative's first whole
sentences as plain text — never a sentence cut in half and never a cut inside Markdown.
"""
from __future__ import annotations

import html
import re
from typing import Any

from ctportal.infra import markdown

KEY_PROGRESS_WORDS = 60

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|pre|tr|td|th)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


def _plain_blocks(text: str) -> list[str]:
    """The narrative's Markdown rendered, then its text block by block: nothing of the Markdown is
    left to cut in half, and nothing of its syntax shows."""
    html_text = _BLOCK_END.sub("\n", str(markdown.render(text)))
    return [" ".join(html.unescape(_TAG.sub(" ", block)).split()) for block in html_text.split("\n")
            if _TAG.sub("", block).strip()]


def whole_sentences(text: str | None, words: int = KEY_PROGRESS_WORDS) -> str:
    """The narrative's first whole sentences, up to about `words` words: never a sentence cut in
    half (the first one is given whole, however long); a paragraph or list item ends a sentence."""
    sentences = [s for block in _plain_blocks(text or "") for s in _SENTENCE_END.split(block) if s.strip()]
    out: list[str] = []
    count = 0
    for sentence in sentences:
        n = len(sentence.split())
        if out and count + n > words:
            break
        out.append(sentence.strip())
        count += n
    return " ".join(out)


def key_progress(entry: dict[str, Any], edited: str = "") -> str:
    """What the consolidated report prints as an entry's key progress, as plain text: the
    reviewer's edited version, else the party's summary, else the narrative's whole sentences."""
    return edited.strip() or (entry.get("summary") or "").strip() or whole_sentences(entry.get("narrative"))
