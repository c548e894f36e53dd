"""Saving what a party writes about one action: validated, and never over someone else's save.

Each entry is saved on its own, so several officials of a party can work at once on different
actions. Two saves of the same entry made from the same starting version are a conflict: the
second is not written, and the caller gets both texts back (`Conflict`) to show side by side.
The check is made twice: against the version the form was opened on, and by the database itself
(SQLAlchemy's version_id_col turns a concurrent UPDATE into StaleDataError).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from markdown_it import MarkdownIt

from ctportal.domain.errors import DomainError
from ctportal.domain.formatting import long_date
from ctportal.models import Entry, EntryStatus, LegalAct, Measure, User, db, utcnow
from ctportal.services import audit

# The texts of an entry: (attribute, label, maximum length, Markdown?)
TEXT_FIELDS: tuple[tuple[str, str, int, bool], ...] = (
    ("narrative", "Progress narrative", 20_000, True),
    ("na_justification", "Why the action does not apply", 5_000, True),
    ("challenges", "Challenges", 10_000, True),
    ("eu_support_needed", "EU support needed", 10_000, True),
    ("next_steps", "Next steps", 10_000, True),
    ("next_steps_timeline", "Timeline of the next steps", 200, False),
    ("responsible_institutions", "Responsible institutions", 2_000, False),
)
TEXT_LABELS = {name: label for name, label, _, _ in TEXT_FIELDS}
MEASURE_DESCRIPTION_MAX = 2_000
LEGAL_ACT_TITLE_MAX = 1_000
GAZETTE_MAX = 200
MAX_ROWS = 50
EARLIEST_DATE = dt.date(1990, 1, 1)
YEARS_AHEAD = 10
ALLOWED_LINK_SCHEMES = ("http:", "https:", "mailto:")

# A parser that lets everything through, so that we can *see* raw HTML and every link and
# refuse them with a message (the renderer would silently drop them).
_inspector = MarkdownIt("commonmark", {"html": True}).enable("table")
_inspector.validateLink = lambda url: True  # type: ignore[method-assign]
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


def latest_allowed_date(today: Optional[dt.date] = None) -> dt.date:
    today = today or dt.date.today()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def check_date(value: Optional[dt.date]) -> Optional[str]:
    """Why a measure's or legal act's date is refused, or None."""
    if value is None:
        return None
    latest = latest_allowed_date()
    if value < EARLIEST_DATE or value > latest:
        return (f"the date must be between {long_date(EARLIEST_DATE)} and {long_date(latest)}"
                f" (you entered {value.isoformat()}).")
    return None


def check_markdown(text: str) -> Optional[str]:
    """Why a Markdown text is refused (raw HTML, links other than web and email), or None."""
    if not text:
        return None
    tokens = _inspector.parse(text)
    for token in tokens:
        for tok in [token, *(token.children or [])]:
            if tok.type in ("html_block", "html_inline"):
                return ("HTML is not accepted; write Markdown instead (for example **bold**, *italic*, "
                        "- for a list, [text](https://example.org) for a link).")
            if tok.type == "link_open":
                href = str(tok.attrGet("href") or "")
                if not href.lower().startswith(ALLOWED_LINK_SCHEMES):
                    return (f"the link “{href[:60]}” is not accepted: links must start with https://, "
                            "http:// or mailto:.")
    # Links the parser would not even take as links, e.g. [x](javascript:...) with spaces.
    for match in re.finditer(r"\]\(\s*<?\s*([^)\s>]*)", text):
        scheme = _SCHEME.match(match.group(1))
        if scheme and f"{scheme.group(1).lower()}:" not in ALLOWED_LINK_SCHEMES:
            return (f"the link “{match.group(1)[:60]}” is not accepted: links must start with https://, "
                    "http:// or mailto:.")
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_characters(value: str) -> Optional[str]:
    """Control characters (a NUL above all) cannot be stored or printed: refuse them with a message."""
    if value and _CONTROL.search(value):
        return "the text contains an invisible control character that cannot be saved; retype or paste it as plain text."
    return None


def check_text(name: str, value: str) -> Optional[str]:
    """Why the text of field `name` is refused (too long, unsafe Markdown), or None."""
    for field_name, _label, maximum, is_markdown in TEXT_FIELDS:
        if field_name != name:
            continue
        bad = check_characters(value)
        if bad:
            return bad
        if len(value) > maximum:
            return f"at most {maximum:,} characters are accepted; this text has {len(value):,}."
        if is_markdown:
            return check_markdown(value)
        return None
    raise KeyError(name)


def parse_status(value: Any) -> Optional[EntryStatus]:
    """An EntryStatus from a form value ('' = not chosen); ValueError for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, EntryStatus):
        return value
    return EntryStatus(value)


@dataclass
class MeasureRow:
    description: str = ""
    taken_on: Optional[dt.date] = None

    @property
    def is_empty(self) -> bool:
        return not self.description.strip() and self.taken_on is None


@dataclass
class LegalActRow:
    title: str = ""
    adopted_on: Optional[dt.date] = None
    gazette_reference: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.title.strip() and self.adopted_on is None and not self.gazette_reference.strip()


@dataclass
class EntryData:
    """What a form submits for one entry; empty rows are dropped on saving."""

    status: Optional[EntryStatus] = None
    narrative: str = ""
    na_justification: str = ""
    challenges: str = ""
    eu_support_needed: str = ""
    next_steps: str = ""
    next_steps_timeline: str = ""
    responsible_institutions: str = ""
    measures: list[MeasureRow] = field(default_factory=list)
    legal_acts: list[LegalActRow] = field(default_factory=list)

    @classmethod
    def of(cls, entry: Entry) -> "EntryData":
        return cls(status=entry.status, measures=[MeasureRow(m.description, m.taken_on) for m in entry.measures],
                   legal_acts=[LegalActRow(a.title, a.adopted_on, a.gazette_reference) for a in entry.legal_acts],
                   **{name: getattr(entry, name) or "" for name, *_ in TEXT_FIELDS})

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, *_ in TEXT_FIELDS}


@dataclass(frozen=True)
class Problem:
    field: str      # the form field's name, e.g. "narrative" or "measures-1-taken_on"
    message: str    # names the field and says what is wrong


def validate(data: EntryData) -> list[Problem]:
    """Everything wrong with `data`; a draft may be incomplete, but never invalid."""
    problems = []
    if data.status is not None and not isinstance(data.status, EntryStatus):
        problems.append(Problem("status", "Implementation status: choose one of the listed statuses."))
    for name, label, _maximum, _md in TEXT_FIELDS:
        error = check_text(name, getattr(data, name) or "")
        if error:
            problems.append(Problem(name, f"{label}: {error}"))
    kept_measures = [m for m in data.measures if not m.is_empty]
    kept_acts = [a for a in data.legal_acts if not a.is_empty]
    if len(kept_measures) > MAX_ROWS:
        problems.append(Problem("measures", f"Measures taken: at most {MAX_ROWS} rows are accepted."))
    if len(kept_acts) > MAX_ROWS:
        problems.append(Problem("legal_acts", f"Legal acts adopted: at most {MAX_ROWS} rows are accepted."))
    for i, row in enumerate(data.measures):
        where = f"Measures taken, row {i + 1}"
        if row.is_empty:
            continue
        if not row.description.strip():
            problems.append(Problem(f"measures-{i}-description", f"{where}, description: describe the measure."))
        elif check_characters(row.description):
            problems.append(Problem(f"measures-{i}-description",
                                    f"{where}, description: {check_characters(row.description)}"))
        elif len(row.description) > MEASURE_DESCRIPTION_MAX:
            problems.append(Problem(f"measures-{i}-description",
                                    f"{where}, description: at most {MEASURE_DESCRIPTION_MAX:,} characters."))
        error = check_date(row.taken_on)
        if error:
            problems.append(Problem(f"measures-{i}-taken_on", f"{where}, date: {error}"))
    for i, act in enumerate(data.legal_acts):
        where = f"Legal acts adopted, row {i + 1}"
        if act.is_empty:
            continue
        if not act.title.strip():
            problems.append(Problem(f"legal_acts-{i}-title", f"{where}, title: give the act's title."))
        elif check_characters(act.title + act.gazette_reference):
            problems.append(Problem(f"legal_acts-{i}-title",
                                    f"{where}: {check_characters(act.title + act.gazette_reference)}"))
        elif len(act.title) > LEGAL_ACT_TITLE_MAX:
            problems.append(Problem(f"legal_acts-{i}-title",
                                    f"{where}, title: at most {LEGAL_ACT_TITLE_MAX:,} characters."))
        if len(act.gazette_reference) > GAZETTE_MAX:
            problems.append(Problem(f"legal_acts-{i}-gazette_reference",
                                    f"{where}, official gazette reference: at most {GAZETTE_MAX} characters."))
        error = check_date(act.adopted_on)
        if error:
            problems.append(Problem(f"legal_acts-{i}-adopted_on", f"{where}, date of adoption: {error}"))
    return problems


class InvalidEntry(DomainError, ValueError):
    """The entry is not saved: `problems` names each field and what is wrong with it."""

    status = 422

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class Saved:
    entry: Entry


@dataclass
class Conflict:
    """Someone saved the entry after this form was opened: nothing was written."""

    entry: Entry                   # as it is now in the database
    mine: EntryData                # what this user sent
    theirs: EntryData              # what is saved
    changed_fields: list[str]      # the text fields where the two differ (plus "status", "measures", ...)
    saved_by: Optional[User]
    saved_at: Optional[dt.datetime]


def differences(a: EntryData, b: EntryData) -> list[str]:
    names = ["status"] + [name for name, *_ in TEXT_FIELDS]
    changed = [n for n in names if (getattr(a, n) or "") != (getattr(b, n) or "")]
    if [m for m in a.measures if not m.is_empty] != [m for m in b.measures if not m.is_empty]:
        changed.append("measures")
    if [x for x in a.legal_acts if not x.is_empty] != [x for x in b.legal_acts if not x.is_empty]:
        changed.append("legal_acts")
    return changed


def conflict_for(entry: Entry, data: EntryData) -> Conflict:
    theirs = EntryData.of(entry)
    return Conflict(entry=entry, mine=data, theirs=theirs, changed_fields=differences(data, theirs),
                    saved_by=entry.updated_by, saved_at=entry.updated_at)


def save_entry(entry: Entry, data: EntryData, expected_version: int, user: User) -> Saved | Conflict:
    """Write `data` into the entry if nobody saved it since `expected_version`; flush, do not commit.

    The caller commits; if the commit (or this flush) raises StaleDataError another save won the
    race in the database: roll back, reload the entry and call `conflict_for`.
    """
    problems = validate(data)
    if problems:
        raise InvalidEntry(problems)
    if expected_version != entry.version:
        return conflict_for(entry, data)
    entry.status = data.status
    for name, *_ in TEXT_FIELDS:
        setattr(entry, name, getattr(data, name) or "")
    entry.measures.clear()
    for i, row in enumerate(m for m in data.measures if not m.is_empty):
        entry.measures.append(Measure(position=i + 1, description=row.description.strip(), taken_on=row.taken_on))
    entry.legal_acts.clear()
    for i, act in enumerate(a for a in data.legal_acts if not a.is_empty):
        entry.legal_acts.append(LegalAct(position=i + 1, title=act.title.strip(), adopted_on=act.adopted_on,
                                         gazette_reference=act.gazette_reference.strip()))
    entry.copied_from_previous = False  # edited: no longer just what was copied from the last round
    entry.updated_at = utcnow()
    entry.updated_by_id = user.id
    db.session.flush()
    audit.record("entry.saved", entry, actor=user, party_id=entry.report.party_id, report_id=entry.report_id,
                 key=entry.key, version=entry.version)
    return Saved(entry)
