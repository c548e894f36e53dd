"""What a catalogue file says, as plain frozen dataclasses (`parse_catalogue` makes them,
`load_catalogue` puts them into the database). No database and no YAML here."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ctportal.domain.errors import DomainError
from ctportal.models.plan import ActorGroup


class CatalogueError(DomainError):
    """A catalogue file that cannot be used. The message reads `file:line: problem`."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class FootnoteCall:
    """A footnote number printed after `anchor` in a text."""

    number: int
    anchor: str
    line: int


@dataclass(frozen=True)
class FootnoteSpec:
    number: int
    text: str
    context: str
    line: int


@dataclass(frozen=True)
class IndicatorSpec:
    """A figure an action is measured by (domain/indicators.py): name, unit and disaggregation."""

    key: str
    name: str
    unit: str
    disaggregation: str     # "", "age" or "sex"
    line: int


@dataclass(frozen=True)
class ActionSpec:
    code: str
    actor_group: ActorGroup
    text: str
    footnotes: tuple[FootnoteCall, ...]
    line: int
    indicators: tuple[IndicatorSpec, ...] = ()


@dataclass(frozen=True)
class GroupSpec:
    """The actions an objective addresses to one actor group, with their lead-in sentence."""

    actor_group: ActorGroup
    lead_in: str
    lead_in_footnotes: tuple[FootnoteCall, ...]
    actions: tuple[ActionSpec, ...]
    line: int


@dataclass(frozen=True)
class ObjectiveSpec:
    number: int
    title: str
    title_footnotes: tuple[FootnoteCall, ...]
    groups: tuple[GroupSpec, ...]
    line: int

    @property
    def actions(self) -> list[ActionSpec]:
        return [a for g in self.groups for a in g.actions]


@dataclass(frozen=True)
class Catalogue:
    path: Path
    sha256: str
    code: str
    code_line: int
    title: str
    document: str
    adopted_on: dt.date | None
    follow_up_intro: str
    follow_up_processes: tuple[str, ...]
    follow_up_closing: str
    footnotes: tuple[FootnoteSpec, ...]
    objectives: tuple[ObjectiveSpec, ...]

    @property
    def actions(self) -> list[ActionSpec]:
        return [a for o in self.objectives for a in o.actions]


@dataclass(frozen=True)
class PlanTranslation:
    """A plan's texts in one partner language (issue 17, item 1): `plans/<plan code>/<language>.yaml`.
    Screens show them beside the English reference; the PDFs, exports and the API never read them.
    What the file leaves out stays English."""

    plan_code: str
    language: str                              # the portal's code (domain/languages.py)
    objectives: dict[int, str]                 # objective number -> title
    lead_ins: dict[tuple[int, str], str]       # (objective number, actor group value) -> lead-in
    actions: dict[str, str]                    # action code -> text
