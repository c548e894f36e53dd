"""The plan's own words around an action: its objective's title, the lead-in of its group ("Each
Western Balkans partner should seek early alignment with … FATF standards:") and the footnotes
called in each, as plain data that the screens and the PDF both render.

A text becomes segments: (words, footnote number or None) — the words, then the call that
follows them — so a renderer escapes the words and prints the call its own way (a link on
screen, a page footnote in the PDF). The footnotes are the catalogue's (domain/catalogue.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ctportal.models import Action, FootnoteRef, LeadIn

Segment = tuple[str, int | None]


@dataclass(frozen=True)
class Worded:
    """A text of the plan with its footnote calls."""

    segments: tuple[Segment, ...]
    notes: tuple[tuple[int, str], ...] = field(default=())   # (number, text), in the order called

    @property
    def text(self) -> str:
        return "".join(words for words, _ in self.segments)

    def plain(self) -> dict[str, Any]:
        """As JSON (a PDF part's context): each segment with its footnote's text beside its number."""
        texts = dict(self.notes)
        return {"segments": [[words, number, texts.get(number, "") if number is not None else ""]
                             for words, number in self.segments], "text": self.text}


def worded(text: str, refs: list[FootnoteRef]) -> Worded:
    """`text` cut after each footnote's anchor (at the end when the anchor is "" or not found)."""
    calls = sorted(refs, key=lambda r: r.position)
    segments: list[Segment] = []
    rest, at_end = text, []
    for ref in calls:
        anchor = ref.anchor or ""
        at = rest.find(anchor) if anchor else -1
        if at < 0:
            at_end.append(ref.footnote.number)
            continue
        cut = at + len(anchor)
        segments.append((rest[:cut], ref.footnote.number))
        rest = rest[cut:]
    segments.append((rest, None))
    segments.extend(("", n) for n in at_end)
    notes = tuple((r.footnote.number, r.footnote.text) for r in calls)
    return Worded(tuple(s for s in segments if s[0] or s[1] is not None), notes)


def lead_in_of(action: Action) -> LeadIn | None:
    """The sentence introducing the action's group in its objective (one per actor group)."""
    return next((li for li in action.objective.lead_ins if li.actor_group == action.actor_group), None)


@dataclass(frozen=True)
class PlanWords:
    objective: Worded     # "Objective 3: Effective Information Exchange …" with footnote 14
    lead_in: Worded | None
    action: Worded

    @property
    def notes(self) -> list[tuple[int, str]]:
        """Every footnote around the action, once each, in the order called."""
        seen: dict[int, str] = {}
        for w in (self.objective, self.lead_in, self.action):
            for number, text in (w.notes if w else ()):
                seen.setdefault(number, text)
        return list(seen.items())


def plan_words(action: Action) -> PlanWords:
    objective = action.objective
    lead_in = lead_in_of(action)
    return PlanWords(worded(objective.title, list(objective.footnote_refs)),
                     worded(lead_in.text, list(lead_in.footnote_refs)) if lead_in else None,
                     worded(action.text, list(action.footnote_refs)))
