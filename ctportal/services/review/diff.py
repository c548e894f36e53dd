"""Readable differences between two versions of an entry: words inserted and deleted.

Everything is escaped first; only the <ins>/<del> marks are markup. Entries are compared as
they were frozen in revisions (services/reporting/revisions.py snapshot format), matched by their key.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ctportal.domain import entry_fields, indicators

_TOKEN = re.compile(r"\s+|[^\s]+")

# The entry's fields in the form's order, its figures (domain/indicators.py), then the documents.
COMPARED: tuple[tuple[str, str], ...] = tuple((f.name, f.label) for f in entry_fields.FIELDS) + (
    ("figures", "Figures"), ("documents", "Documents"),
    # The party's own-language texts (issue 17, item 4): their language, then each text.
    (entry_fields.ORIGINAL_LANGUAGE, entry_fields.ORIGINAL_LANGUAGE_LABEL),
    *((entry_fields.original_key(f.name), f.original_label) for f in entry_fields.ORIGINAL_FIELDS))


def word_diff(old: str, new: str) -> Markup:
    """`new` with the words added since `old` in <ins> and the words removed in <del>."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return Markup("".join(out))  # noqa: S704 - every piece of text was escaped above


def field_text(entry: dict[str, Any] | None, name: str) -> str:
    """One field of a snapshot entry as plain text (lists one item a line)."""
    if name == "figures":
        return "\n".join(indicators.figure_lines((entry or {}).get("figures")))
    if name == "documents":
        return "\n".join(f"{d.get('title') or d.get('original_name', '')} [{d.get('sha256', '')[:12]}]"
                         for d in (entry or {}).get("documents") or [])
    return entry_fields.field_text(entry, name)


@dataclass
class FieldChange:
    name: str
    label: str
    html: Markup


def entry_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[FieldChange]:
    """The fields that differ between two snapshot entries, each as a word diff."""
    changes = []
    for name, label in COMPARED:
        before, after = field_text(old, name), field_text(new, name)
        if before != after:
            changes.append(FieldChange(name, label, word_diff(before, after)))
    return changes


def entry_changed(old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    return any(field_text(old, n) != field_text(new, n) for n, _ in COMPARED)


def changed_keys(old_entries: dict[str, dict[str, Any]], new_entries: dict[str, dict[str, Any]]) -> set[str]:
    """Keys of the entries that differ (or are new) between two revisions' entries_by_key()."""
    return {key for key, entry in new_entries.items() if entry_changed(old_entries.get(key), entry)}
