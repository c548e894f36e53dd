"""Shared by the language tests (issue 17): the catalogue tool (scripts/translations.py) and what
"an English string of the portal's own" is on a page."""
from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "translations.py"


@cache
def tool():
    spec = importlib.util.spec_from_file_location("ctportal_translations_tool", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    module.compile_if_stale()  # a run without `make setup` still reads current catalogues
    return module


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|<[^>]+>|[“”\"]")


def english_phrases(code: str) -> set[str]:
    """The English texts of the catalogue whose translation in `code` differs from them, cut at their
    placeholders and markup: any of them on a page in `code` is portal text left in English."""
    catalog = tool().read(code)
    phrases = set()
    for message in catalog:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source in sources:
            if source in strings:
                continue  # the same word in this language (e.g. "Administrator" in Bosnian)
            for piece in PLACEHOLDER.split(source):
                piece = piece.strip(" .,:;()—-·*")
                if len(piece) >= 4 and re.search(r"[A-Za-z]{3}", piece):
                    phrases.add(piece)
    return phrases


def english_left(text: str, code: str, allowed: set[str] = frozenset()) -> list[str]:
    """The portal's English phrases found in `text` (whole words), except the allowed ones."""
    flat = " ".join(text.split())
    # Longest first: "Progress report 2026" is taken out whole before a shorter allowed "report".
    for name in sorted(allowed, key=len, reverse=True):
        flat = flat.replace(name, " ")
    return sorted(p for p in english_phrases(code) if re.search(rf"(?<![\w@.]){re.escape(p)}(?![\w@])", flat))
