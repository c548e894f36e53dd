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
from typing import Any

from flask_babel import get_locale, gettext
from markdown_it import MarkdownIt

from ctportal.domain import entry_fields, languages
from ctportal.domain.errors import DomainError
from ctportal.domain.formatting import long_date, number
from ctportal.infra import markdown
from ctportal.models import Entry, EntryStatus, Indicator, LegalAct, Measure, User, db, utcnow
from ctportal.services import audit
from ctportal.services.reporting import figures as figure_service
from ctportal.services.reporting import signoff

# The model of each rows field's rows (entry_fields.ROWS_FIELDS), each with a `position`.
ROW_MODELS: dict[str, type] = {"measures": Measure, "legal_acts": LegalAct}
MAX_ROWS = entry_fields.MAX_ROWS
EARLIEST_DATE = dt.date(1990, 1, 1)
YEARS_AHEAD = 10
ALLOWED_LINK_SCHEMES = ("http:", "https:", "mailto:")

# A parser that lets everything through, so that we can *see* raw HTML and every link and
# refuse them with a message (the renderer would silently drop them).
_inspector = MarkdownIt("commonmark", {"html": True}).enable("table")
_inspector.validateLink = lambda url: True  # type: ignore[method-assign]
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


def latest_allowed_date(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def check_date(value: dt.date | None) -> str | None:
    """Why a measure's or legal act's date is refused, or None."""
    if value is None:
        return None
    latest = latest_allowed_date()
    if value < EARLIEST_DATE or value > latest:
        return str(gettext("the date must be between %(earliest)s and %(latest)s (you entered %(entered)s).",
                           earliest=_day(EARLIEST_DATE), latest=_day(latest), entered=value.isoformat()))
    return None


def _day(value: dt.date) -> str:
    """A date in the reader's language, as the pages write it."""
    locale = get_locale()
    return long_date(value, str(locale) if locale else None)


def _too_long(limit: int, length: int) -> str:
    locale = get_locale()
    code = str(locale) if locale else None
    return str(gettext("at most %(limit)s characters are accepted; this text has %(length)s.",
                       limit=number(limit, code), length=number(length, code)))


def check_period_date(value: dt.date | None, period: tuple[dt.date, dt.date], today: dt.date | None = None
                      ) -> str | None:
    """Why the date of a measure taken or an act adopted does not fit the round, or None: what is
    reported happened in the reporting period or since (a report is written after the period ends),
    so never before the period starts and never after today."""
    if value is None:
        return None
    today = today or dt.date.today()
    if value > today:
        return str(gettext("the date cannot be later than today (%(today)s): what is listed here has already "
                           "taken place. You entered %(entered)s.", today=_day(today), entered=_day(value)))
    if value < period[0]:
        return str(gettext("the date is before this round's reporting period, which runs from %(start)s to "
                           "%(end)s; you entered %(entered)s. Earlier measures and acts belong to the report of "
                           "their own round.", start=_day(period[0]), end=_day(period[1]), entered=_day(value)))
    return None


def check_markdown(text: str) -> str | None:
    """Why a Markdown text is refused (raw HTML, links other than web and email), or None."""
    if not text:
        return None
    if markdown.nesting_problem(text):  # the renderer's own parse: what it cannot show is refused
        return str(gettext("quotes or lists are nested %(depth)s levels deep; at most %(most)s can be shown on "
                           "screen and in the PDF, so the deeper text would not be seen. Remove some of the "
                           "“>” or list markers.", depth=markdown.nesting_depth(text), most=markdown.MAX_DEPTH))
    tokens = _inspector.parse(text)
    for token in tokens:
        for tok in [token, *(token.children or [])]:
            if tok.type in ("html_block", "html_inline"):
                return str(gettext("HTML is not accepted; write Markdown instead (for example **bold**, "
                                   "*italic*, - for a list, [text](https://example.org) for a link)."))
            if tok.type == "link_open":
                href = str(tok.attrGet("href") or "")
                if not href.lower().startswith(ALLOWED_LINK_SCHEMES):
                    return _bad_link(href)
    # Links the parser would not even take as links, e.g. [x](javascript:...) with spaces.
    for match in re.finditer(r"\]\(\s*<?\s*([^)\s>]*)", text):
        scheme = _SCHEME.match(match.group(1))
        if scheme and f"{scheme.group(1).lower()}:" not in ALLOWED_LINK_SCHEMES:
            return _bad_link(match.group(1))
    return None


def _bad_link(href: str) -> str:
    return str(gettext("the link “%(link)s” is not accepted: links must start with https://, http:// or mailto:.",
                       link=href[:60]))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_characters(value: str) -> str | None:
    """Control characters (a NUL above all) cannot be stored or printed: refuse them with a message."""
    if value and _CONTROL.search(value):
        return str(gettext("the text contains an invisible control character that cannot be saved; "
                           "retype or paste it as plain text."))
    return None


def check_text(name: str, value: str) -> str | None:
    """Why the text of field `name` is refused (too long, unsafe Markdown), or None."""
    described = entry_fields.text_field(name)
    bad = check_characters(value)
    if bad:
        return bad
    if len(value) > described.limit:
        return _too_long(described.limit, len(value))
    if described.markdown:
        return check_markdown(value)
    return None


def parse_status(value: Any) -> EntryStatus | None:
    """An EntryStatus from a form value ('' = not chosen); ValueError for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, EntryStatus):
        return value
    return EntryStatus(value)


@dataclass
class EntryData:
    """What a form submits for one entry, field by field (entry_fields); empty rows are dropped on saving.

    `rows` holds each rows field's rows as dicts of column values (dates as dt.date). `figures` holds
    the numbers of the action's indicators as typed, by form field (services/reporting/figures.py);
    None when the form did not carry them (a copy from the last round): they are then left as they are.
    """

    status: EntryStatus | None = None
    texts: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    figures: dict[str, str] | None = None
    # The party's own-language texts beside the English (entry_fields.ORIGINAL_FIELDS) and their language.
    original_language: str = ""
    originals: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, entry: Entry, indicators: list[Indicator] | None = None) -> EntryData:
        data = cls.from_values(entry_fields.values_of(entry))
        found = figure_service.of_entry(entry) if indicators is None else indicators
        if found:
            data.figures = figure_service.typed_values(entry, found)
        return data

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> EntryData:
        """From the plain shape (a snapshot entry): dates parsed, an unknown status left unchosen."""
        try:
            status = parse_status(values.get("status"))
        except ValueError:
            status = None
        rows = {f.name: [{c.name: entry_fields.parse_date(row.get(c.name)) if c.date else row.get(c.name) or ""
                          for c in f.columns} for row in values.get(f.name) or []]
                for f in entry_fields.ROWS_FIELDS}
        texts = values.get(entry_fields.ORIGINAL_TEXTS) or {}
        return cls(status, {f.name: values.get(f.name) or "" for f in entry_fields.TEXT_FIELDS}, rows,
                   original_language=values.get(entry_fields.ORIGINAL_LANGUAGE) or "",
                   originals={f.name: texts.get(f.name) or "" for f in entry_fields.ORIGINAL_FIELDS})

    def text(self, name: str) -> str:
        return self.texts.get(name) or ""

    def kept_rows(self, name: str) -> list[dict[str, Any]]:
        rows = entry_fields.rows_field(name)
        return [r for r in self.rows.get(name, []) if not entry_fields.row_is_empty(rows, r)]

    def values(self) -> dict[str, Any]:
        """In the plain shape, empty rows left out (what diff.field_text and the conflict page read)."""
        return {"status": self.status.value if self.status else None,
                **{f.name: self.text(f.name) for f in entry_fields.TEXT_FIELDS},
                **{f.name: self.kept_rows(f.name) for f in entry_fields.ROWS_FIELDS},
                **self.original_values()}

    def original_values(self) -> dict[str, Any]:
        """The original-language texts in the plain shape: only those written; no language without one."""
        texts = {f.name: self.originals[f.name] for f in entry_fields.ORIGINAL_FIELDS
                 if (self.originals.get(f.name) or "").strip()}
        return {entry_fields.ORIGINAL_TEXTS: texts,
                entry_fields.ORIGINAL_LANGUAGE: self.original_language if texts else ""}


@dataclass(frozen=True)
class Problem:
    field: str      # the form field's name, e.g. "narrative" or "measures-1-taken_on"
    message: str    # names the field and says what is wrong


def _check_cell(column: entry_fields.Column, value: Any, period: tuple[dt.date, dt.date] | None,
                today: dt.date | None) -> str | None:
    if column.date:
        return check_date(value) or (check_period_date(value, period, today) if column.in_period and period else None)
    text = value or ""
    if column.required and not text.strip():
        return str(gettext(column.required))
    bad = check_characters(text)
    if bad:
        return bad
    if column.limit and len(text) > column.limit:
        return _too_long(column.limit, len(text))
    return None


def validate(data: EntryData, period: tuple[dt.date, dt.date] | None = None, today: dt.date | None = None,
             indicators: list[Indicator] | None = None, entry_code: str = "") -> list[Problem]:
    """Everything wrong with `data`; a draft may be incomplete, but never invalid. With the round's
    reporting `period` (start, end), the dates of measures and acts are checked against it and today;
    with the action's `indicators`, its figures are checked (numbers, units)."""
    problems = []
    if data.status is not None and not isinstance(data.status, EntryStatus):
        problems.append(Problem("status", str(gettext("Implementation status: choose one of the listed statuses."))))
    for text in entry_fields.TEXT_FIELDS:
        error = check_text(text.name, data.text(text.name))
        if error:
            problems.append(Problem(text.name, str(gettext("%(field)s: %(error)s", field=gettext(text.label),
                                                           error=error))))
    problems += _original_problems(data)
    for rows in entry_fields.ROWS_FIELDS:
        if len(data.kept_rows(rows.name)) > MAX_ROWS:
            problems.append(Problem(rows.name, str(gettext("%(field)s: at most %(num)d rows are accepted.",
                                                           field=gettext(rows.label), num=MAX_ROWS))))
        for i, row in enumerate(data.rows.get(rows.name, [])):
            if entry_fields.row_is_empty(rows, row):
                continue
            for column in rows.columns:
                error = _check_cell(column, row.get(column.name), period, today)
                if error:
                    problems.append(Problem(f"{rows.name}-{i}-{column.name}", str(gettext(
                        "%(field)s, row %(row)d, %(column)s: %(error)s", field=gettext(rows.label), row=i + 1,
                        column=gettext(column.label).lower(), error=error))))
    if indicators and data.figures is not None:
        _parsed, refused = figure_service.check(entry_code, indicators, data.figures)
        problems += [Problem(name, message) for name, message in refused]
    return problems


def _original_problems(data: EntryData) -> list[Problem]:
    """The original-language texts follow their English field's rules; written, they need their language."""
    problems = []
    written = False
    for text in entry_fields.ORIGINAL_FIELDS:
        value = data.originals.get(text.name) or ""
        written = written or bool(value.strip())
        error = check_text(text.name, value)
        if error:
            problems.append(Problem(f"original_{text.name}", str(gettext(
                "%(field)s: %(error)s", field=gettext(text.original_label), error=error))))
    if written and data.original_language not in languages.PARTNER_CODES:
        problems.append(Problem(entry_fields.ORIGINAL_LANGUAGE, str(gettext(
            "%(field)s: choose the language the original texts are written in.",
            field=gettext(entry_fields.ORIGINAL_LANGUAGE_LABEL)))))
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
    saved_by: User | None
    saved_at: dt.datetime | None


def differences(a: EntryData, b: EntryData) -> list[str]:
    """The fields (entry_fields names) where two versions of an entry differ."""
    mine, theirs = a.values(), b.values()
    found = [name for name in (*(f.name for f in entry_fields.FIELDS), *ORIGINAL_NAMES)
             if entry_fields.field_text(mine, name) != entry_fields.field_text(theirs, name)]
    if a.figures is not None and b.figures is not None and a.figures != b.figures and figures_differ(a, b):
        found.append(FIGURES)
    return found


FIGURES = "figures"     # the name `differences` gives a change of the figures


def figures_differ(a: EntryData, b: EntryData) -> bool:
    keys = set(a.figures or {}) | set(b.figures or {})
    return any((a.figures or {}).get(k, "").strip() != (b.figures or {}).get(k, "").strip() for k in keys)


# The diff's and the conflict's names of the original-language texts: the language, then each text.
ORIGINAL_NAMES: tuple[str, ...] = (entry_fields.ORIGINAL_LANGUAGE,
                                   *(entry_fields.original_key(f.name) for f in entry_fields.ORIGINAL_FIELDS))


def conflict_for(entry: Entry, data: EntryData) -> Conflict:
    theirs = EntryData.of(entry)
    return Conflict(entry=entry, mine=data, theirs=theirs, changed_fields=differences(data, theirs),
                    saved_by=entry.updated_by, saved_at=entry.updated_at)


def write_fields(entry: Entry, data: EntryData) -> None:
    """Every described field of `data` into the entry, rows renumbered, empty rows left out."""
    entry.status = data.status
    for text in entry_fields.TEXT_FIELDS:
        setattr(entry, text.name, data.text(text.name))
    kept = data.original_values()
    entry.original_texts = kept[entry_fields.ORIGINAL_TEXTS]
    entry.original_language = kept[entry_fields.ORIGINAL_LANGUAGE]
    for rows in entry_fields.ROWS_FIELDS:
        model = ROW_MODELS[rows.name]
        kept = getattr(entry, rows.name)
        kept.clear()
        for i, row in enumerate(data.kept_rows(rows.name)):
            kept.append(model(position=i + 1, **{
                c.name: row.get(c.name) if c.date else (row.get(c.name) or "").strip() for c in rows.columns}))


def save_entry(entry: Entry, data: EntryData, expected_version: int, user: User) -> Saved | Conflict:
    """Write `data` into the entry if nobody saved it since `expected_version`; flush, do not commit.

    The caller commits; if the commit (or this flush) raises StaleDataError another save won the
    race in the database: roll back, reload the entry and call `conflict_for`.
    """
    rnd = entry.report.round
    indicators = figure_service.of_entry(entry)
    problems = validate(data, (rnd.period_start, rnd.period_end), indicators=indicators, entry_code=entry.key)
    if problems:
        raise InvalidEntry(problems)
    if expected_version != entry.version:
        return conflict_for(entry, data)
    changed = bool(differences(data, EntryData.of(entry, indicators)))
    write_fields(entry, data)
    if indicators and data.figures is not None:
        parsed, _refused = figure_service.check(entry.key, indicators, data.figures)
        figure_service.write(entry, indicators, parsed)
    entry.copied_from_previous = False  # edited: no longer just what was copied from the last round
    entry.updated_at = utcnow()
    entry.updated_by_id = user.id
    db.session.flush()
    if changed:
        signoff.after_edit(entry, user)  # what the coordinator accepted is not what the entry says now
    audit.record("entry.saved", entry, actor=user, party_id=entry.report.party_id, report_id=entry.report_id,
                 key=entry.key, version=entry.version)
    return Saved(entry)
