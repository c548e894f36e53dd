"""What a party writes about one action, described once.

The `Entry` model holds the columns; everything else that reads or writes an entry iterates over
`FIELDS`: saving and its validation (services/reporting/entries.py), the snapshot
(services/reporting/revisions.py), starting a draft from the previous round, the diff
(services/review/diff.py), the conflict page, the form (forms/entry.py), the screens
(templates/reports/_fields.html), the exports and the PDF (services/editions/content.py).
Adding a field is one line here, a column on the model and a migration.

The plain shape every reader shares is the snapshot's: `{"status": "in_progress" | None,
<text field>: str, <rows field>: [{<column>: str | None}, ...]}`, dates as ISO strings.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for a marker, known to pybabel
    """Marks a label or hint for the catalogue and returns it unchanged: the English text stays the
    reference (PDFs, exports, diffs); screens translate it when they show it (`_(field.label)`)."""
    return message


@dataclass(frozen=True)
class StatusField:
    name: str
    label: str
    hint: str = ""
    kind: ClassVar[str] = "status"
    brief: ClassVar[bool] = True   # shown in the short answer of a section page too
    when_not_applicable: ClassVar[bool] = False


@dataclass(frozen=True)
class TextField:
    name: str
    label: str
    limit: int                          # characters
    markdown: bool                      # rendered through infra/markdown; otherwise shown as typed
    lines: int = 3                      # height of the box in the form; 1 = a one-line input
    hint: str = ""
    brief: bool = False                 # always shown, also in the short answer of a section page
    when_not_applicable: bool = False   # shown only when the status is "not applicable"
    preview: bool = False               # the form offers a preview of it (one field has one)
    # Required before submitting once another field is longer than so many characters:
    # ("narrative", 1500) — the key-progress summary of a long narrative.
    required_after: tuple[str, int] | None = None
    # A party may write this text in its own language beside the English (issue 17, item 4): the label
    # of that original-language text; empty where the field has none. The English stays what the
    # consolidated report prints; the original is the party's, shown to reviewers and in its own PDF.
    original_label: str = ""
    kind: ClassVar[str] = "text"


@dataclass(frozen=True)
class Column:
    """One column of a row of measures or legal acts."""

    name: str
    label: str
    date: bool = False
    limit: int = 0                      # characters (text columns)
    required: str = ""                  # what to say when a row has other values but not this one
    lines: int = 1
    width: int = 4                      # of 12, in the form's grid
    # A date of something done in the reporting period: not before the round's period starts, not
    # after today (services/reporting/entries.check_period_date; docs/reporting.md, "Dates").
    in_period: bool = False


@dataclass(frozen=True)
class RowsField:
    name: str
    label: str
    item: str                           # what one row is called: "Measure 2"
    columns: tuple[Column, ...]
    hint: str = ""
    kind: ClassVar[str] = "rows"
    brief: ClassVar[bool] = False
    when_not_applicable: ClassVar[bool] = False


Field = StatusField | TextField | RowsField

MAX_ROWS = 50

STATUS = StatusField("status", N_("Implementation status"), hint=N_("“Not applicable” needs a justification."))

# In the order the form, the screens, the diff, the exports and the PDF show them.
FIELDS: tuple[Field, ...] = (
    STATUS,
    TextField("na_justification", N_("Why the action does not apply"), 5_000, True, brief=True,
              when_not_applicable=True,
              hint=N_("Only when the status is “Not applicable”: why the action does not apply.")),
    TextField("narrative", N_("Progress narrative"), 20_000, True, lines=8, brief=True, preview=True,
              original_label=N_("Progress narrative in the original language"),
              hint=N_("What was done in the reporting period (Markdown, at most 20,000 characters).")),
    # What the consolidated report prints as "key progress": written by the party, in whole
    # sentences, never cut (services/editions/content.key_progress); the reviewer may edit the
    # version the report uses (EntryReview.report_summary), and the party sees that in its feedback.
    TextField("summary", N_("Key progress (summary for the consolidated report)"), 600, False, lines=3,
              required_after=("narrative", 1_500),
              hint=N_("Two or three sentences, at most 600 characters, printed as they are in the consolidated "
                      "report. Required when the progress narrative is longer than 1,500 characters.")),
    # Required at submission when the status is lower than the action's approved status in the previous
    # round (services/reporting/completeness.lower_status): a step back is explained, not just shown.
    TextField("lower_status_reason", N_("Why the status is lower than in the previous round"), 5_000, True,
              hint=N_("Only when the status is lower than the one approved in the previous round: what changed.")),
    RowsField("measures", N_("Measures taken"), N_("Measure"), (
        Column("description", N_("Description"), limit=2_000, required=N_("describe the measure."), lines=2, width=8),
        Column("taken_on", N_("Date"), date=True, in_period=True),
    ), hint=N_("One row per measure, with its date. Empty rows are ignored; tick “Remove this row” to delete one.")),
    RowsField("legal_acts", N_("Legal acts adopted"), N_("Legal act"), (
        Column("title", N_("Title"), limit=1_000, required=N_("give the act's title."), width=6),
        Column("adopted_on", N_("Date of adoption"), date=True, width=3, in_period=True),
        Column("gazette_reference", N_("Official gazette reference"), limit=200, width=3),
    )),
    TextField("challenges", N_("Challenges"), 10_000, True, lines=4,
              original_label=N_("Challenges in the original language")),
    TextField("eu_support_needed", N_("EU support needed"), 10_000, True,
              original_label=N_("EU support needed in the original language")),
    TextField("next_steps", N_("Next steps"), 10_000, True, lines=4,
              original_label=N_("Next steps in the original language")),
    TextField("next_steps_timeline", N_("Timeline of the next steps"), 200, False, lines=1,
              hint=N_("For example “by Q2 2027”.")),
    TextField("responsible_institutions", N_("Responsible institutions"), 2_000, False, lines=2),
)

TEXT_FIELDS: tuple[TextField, ...] = tuple(f for f in FIELDS if isinstance(f, TextField))
ROWS_FIELDS: tuple[RowsField, ...] = tuple(f for f in FIELDS if isinstance(f, RowsField))
PREVIEWED: TextField = next(f for f in TEXT_FIELDS if f.preview)
# The texts a party may also write in its own language, and the plain shape's keys for them: the language's
# code (domain/languages.py, a partner language) and {field name: text}, only the texts written.
ORIGINAL_FIELDS: tuple[TextField, ...] = tuple(f for f in TEXT_FIELDS if f.original_label)
ORIGINAL_LANGUAGE = "original_language"
ORIGINAL_TEXTS = "original_texts"
ORIGINAL_LANGUAGE_LABEL = N_("Language of the original texts")
SUMMARY: TextField = next(f for f in TEXT_FIELDS if f.name == "summary")
LABELS: dict[str, str] = {f.name: f.label for f in FIELDS} | {ORIGINAL_LANGUAGE: ORIGINAL_LANGUAGE_LABEL} | {
    f"{ORIGINAL_TEXTS}.{f.name}": f.original_label for f in ORIGINAL_FIELDS}
_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}


def text_field(name: str) -> TextField:
    found = _BY_NAME[name]
    if not isinstance(found, TextField):
        raise KeyError(name)
    return found


def rows_field(name: str) -> RowsField:
    found = _BY_NAME[name]
    if not isinstance(found, RowsField):
        raise KeyError(name)
    return found


# --- the plain shape ---------------------------------------------------------------------------------

def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def values_of(entry: Any) -> dict[str, Any]:
    """An entry (or anything with the fields as attributes, rows as lists of objects) in the plain shape."""
    status = getattr(entry, STATUS.name)
    values: dict[str, Any] = {STATUS.name: getattr(status, "value", status)}
    for f in TEXT_FIELDS:
        values[f.name] = getattr(entry, f.name) or ""
    for rows in ROWS_FIELDS:
        values[rows.name] = [{c.name: _iso(getattr(row, c.name)) for c in rows.columns}
                             for row in getattr(entry, rows.name)]
    texts = getattr(entry, ORIGINAL_TEXTS, None) or {}
    values[ORIGINAL_TEXTS] = {f.name: texts[f.name] for f in ORIGINAL_FIELDS if texts.get(f.name)}
    values[ORIGINAL_LANGUAGE] = (getattr(entry, ORIGINAL_LANGUAGE, "") or "") if values[ORIGINAL_TEXTS] else ""
    return values


@dataclass(frozen=True)
class Original:
    """One text written in the party's own language, beside its English field."""

    field: TextField
    language: str     # the portal's code (domain/languages.py)
    text: str

    @property
    def label(self) -> str:
        return self.field.original_label


def originals(values: dict[str, Any] | None) -> list[Original]:
    """The original-language texts of an entry in the plain shape (a snapshot written before they
    existed has none), in the fields' order."""
    if not values:
        return []
    texts = values.get(ORIGINAL_TEXTS) or {}
    language = values.get(ORIGINAL_LANGUAGE) or ""
    if not language:
        return []
    return [Original(f, language, texts[f.name]) for f in ORIGINAL_FIELDS if texts.get(f.name)]


def original_key(name: str) -> str:
    """The diff's and the conflict's name of a field's original-language text."""
    return f"{ORIGINAL_TEXTS}.{name}"


def row_is_empty(rows: RowsField, row: dict[str, Any]) -> bool:
    return all(not (str(row.get(c.name) or "")).strip() for c in rows.columns)


def parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def row_line(rows: RowsField, row: dict[str, Any]) -> str:
    """One row as a line of plain text: its values in column order, "no date" for a missing date."""
    parts = []
    for c in rows.columns:
        value = _iso(row.get(c.name))
        if c.date:
            parts.append(value or "no date")
        elif value:
            parts.append(str(value))
    return "; ".join(parts)


def field_text(values: dict[str, Any] | None, name: str) -> str:
    """One field in the plain shape as plain text, rows one a line (what diffs and conflicts compare)."""
    if not values:
        return ""
    if name == ORIGINAL_LANGUAGE:
        return values.get(ORIGINAL_LANGUAGE) or ""
    if name.startswith(ORIGINAL_TEXTS + "."):
        return (values.get(ORIGINAL_TEXTS) or {}).get(name.split(".", 1)[1]) or ""
    value = values.get(name)
    described = _BY_NAME[name]
    if isinstance(described, StatusField):
        return (value or "").replace("_", " ").capitalize()
    if isinstance(described, RowsField):
        return "\n".join(row_line(described, row) for row in value or [] if not row_is_empty(described, row))
    return value or ""


@dataclass(frozen=True)
class Shown:
    """One field as a read-only page shows it."""

    field: Field
    value: Any      # status title, text, or rows with their dates as dt.date

    @property
    def label(self) -> str:
        return self.field.label


def shown(values: dict[str, Any], *, brief: bool = False) -> list[Shown]:
    """The fields a read-only answer shows, in order: the brief ones always, the others when filled.

    `brief` keeps only the fields of a section page's short answer.
    """
    not_applicable = values.get(STATUS.name) == "not_applicable"
    out = []
    for f in FIELDS:
        if (brief and not f.brief) or (f.when_not_applicable and not not_applicable):
            continue
        value = values.get(f.name)
        if isinstance(f, StatusField):
            value = (value or "").replace("_", " ").capitalize() or N_("Not chosen yet")
        elif isinstance(f, RowsField):
            value = [{c.name: parse_date(row.get(c.name)) if c.date else row.get(c.name) or ""
                      for c in f.columns} for row in value or [] if not row_is_empty(f, row)]
        if value or f.brief:
            out.append(Shown(f, value))
    return out


def row_counts(values: dict[str, Any]) -> list[tuple[RowsField, int]]:
    """How many rows each rows field holds (the short answer says only that)."""
    return [(f, len([r for r in values.get(f.name) or [] if not row_is_empty(f, r)])) for f in ROWS_FIELDS]
