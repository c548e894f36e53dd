"""The form of one entry, built per call from what the catalogue and the entry need.

A fresh class is made each time (`type("EntryForm", (FlaskForm,), {...})`): the number of
measure and legal-act rows differs from entry to entry and from request to request, and a
shared class mutated in place would leak one request's rows into another's. Being built per request,
it is also in the page's language: the labels of domain/entry_fields.py are English there (the PDFs
and exports print them) and are translated here, with `gettext`, as the form is made.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, HiddenField, SelectField,
                     StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms stubs lack SelectChoice
from wtforms.validators import Length, ValidationError

from ctportal.domain import entry_fields, languages
from ctportal.domain import indicators as ind
from ctportal.models import Entry, EntryStatus, Indicator
from ctportal.services.reporting import entries as svc
from ctportal.services.reporting import figures as figure_service

EMPTY_ROWS = 1  # blank rows offered below the filled ones, without JavaScript

# "Add another measure" / "Add another legal act": one whole phrase per rows field, for the translators.
ADD_ANOTHER = {"measures": _l("Add another measure"), "legal_acts": _l("Add another legal act")}


def _text_check(name: str):
    def check(form, field):
        error = svc.check_text(name, field.data or "")
        if error:
            raise ValidationError(error)
    return check


def _date_check(form, field):
    error = svc.check_date(field.data)
    if error:
        raise ValidationError(error)


def _status_check(form, field):
    try:
        svc.parse_status(field.data)
    except ValueError:
        raise ValidationError(_("choose one of the listed statuses.")) from None


class _DateField(DateField):
    """A date that says clearly what is wrong with it."""

    def process_formdata(self, valuelist):
        if valuelist and not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_("enter a date as YYYY-MM-DD (for example 2026-03-31).")) from None


def _row_class(rows: entry_fields.RowsField) -> type[Form]:
    attrs: dict[str, Any] = {}
    for c in rows.columns:
        if c.date:
            attrs[c.name] = _DateField(_(c.label), validators=[_date_check], format="%Y-%m-%d",
                                       render_kw={"type": "date"})
        elif c.lines > 1:
            attrs[c.name] = TextAreaField(_(c.label), render_kw={"rows": c.lines})
        else:
            attrs[c.name] = StringField(_(c.label))
    attrs["remove"] = BooleanField(_("Remove this row"))
    return type(f"{rows.item.replace(' ', '')}RowForm", (Form,), attrs)


def _text_field(text: entry_fields.TextField):
    if text.lines == 1:
        return StringField(_(text.label), validators=[_text_check(text.name)])
    render_kw: dict[str, Any] = {"rows": text.lines}
    if text.preview:
        render_kw["data-markdown"] = "1"   # reports.js previews this one
    return TextAreaField(_(text.label), validators=[_text_check(text.name)], render_kw=render_kw)


def original_name(text: entry_fields.TextField) -> str:
    """The form field of a text's original-language version: original_narrative."""
    return f"original_{text.name}"


def add_button_name(rows: entry_fields.RowsField) -> str:
    return "add_" + rows.item.lower().replace(" ", "_")   # add_measure, add_legal_act


def _figure_fields(indicators: list[Indicator]) -> dict[str, StringField]:
    """One box per number: each labelled with the indicator, its category and the column (read aloud
    alone; the table around them shows the same words as headers). Checked by the save
    (services/reporting/figures.check), whose messages name the entry and the figure."""
    found = {}
    for indicator, category, column in figure_service.cells(indicators):
        where = indicator.name
        if category != ind.TOTAL:
            where += f", {_(ind.CATEGORY_LABELS[category]).lower()}"
        found[figure_service.field_name(indicator, category, column)] = StringField(
            f"{where}: {_(dict(ind.COLUMNS)[column]).lower()}", render_kw={"inputmode": "decimal", "size": 10})
    return found


def entry_form_class(row_counts: dict[str, int], indicators: list[Indicator] | None = None) -> type[FlaskForm]:
    """A new form class with, for each rows field, at least this many rows, and the boxes of the figures
    of the action's `indicators`."""
    attrs: dict[str, Any] = {
        **_figure_fields(indicators or []),
        "version": HiddenField(),
        "status": SelectField(
            _(entry_fields.STATUS.label), validate_choice=False, validators=[_status_check],
            choices=[SelectChoice("", _("— not chosen yet —"))]
            + [SelectChoice(s.value, s.title) for s in EntryStatus]),
        **{text.name: _text_field(text) for text in entry_fields.TEXT_FIELDS},
        # The party's own-language texts beside the English (issue 17, item 4), and their language.
        entry_fields.ORIGINAL_LANGUAGE: SelectField(
            _(entry_fields.ORIGINAL_LANGUAGE_LABEL), validate_choice=False,
            choices=[SelectChoice("", _("— none: English only —"))]
            + [SelectChoice(code, languages.get(code).native_name) for code in languages.PARTNER_CODES]),
        **{original_name(text): TextAreaField(_(text.original_label), validators=[_text_check(text.name)],
                                              render_kw={"rows": text.lines})
           for text in entry_fields.ORIGINAL_FIELDS},
        **{rows.name: FieldList(FormField(_row_class(rows)), label=_(rows.label),
                                min_entries=row_counts.get(rows.name, 0), max_entries=svc.MAX_ROWS + 10)
           for rows in entry_fields.ROWS_FIELDS},
        "save": SubmitField(_("Save")),
        "save_next": SubmitField(_("Save and go to the next action")),
        "preview": SubmitField(_("Preview the progress narrative")),
        **{add_button_name(rows): SubmitField(str(ADD_ANOTHER[rows.name])) for rows in entry_fields.ROWS_FIELDS},
        "add_buttons": {rows.name: add_button_name(rows) for rows in entry_fields.ROWS_FIELDS},
    }
    return type("EntryForm", (FlaskForm,), attrs)


def added_row(form: FlaskForm) -> FieldList | None:
    """The rows field whose "Add another" button was pressed, if any."""
    for rows in entry_fields.ROWS_FIELDS:
        if getattr(form, add_button_name(rows)).data:
            return getattr(form, rows.name)
    return None


def build_entry_form(entry: Entry, *, formdata: Any = None, data: svc.EntryData | None = None,
                     version: int | None = None) -> FlaskForm:
    """The form for `entry`: from the request (formdata), or filled from `data` / the entry itself."""
    indicators = figure_service.of_entry(entry)
    data = data or svc.EntryData.of(entry, indicators)
    cls = entry_form_class({rows.name: len(data.rows.get(rows.name, [])) + EMPTY_ROWS
                            for rows in entry_fields.ROWS_FIELDS}, indicators)
    if formdata is not None:
        return cls(formdata=formdata)
    return cls(formdata=None, data={
        **(data.figures or {}),
        "version": str(entry.version if version is None else version),
        "status": data.status.value if data.status else "",
        **data.texts,
        entry_fields.ORIGINAL_LANGUAGE: data.original_language,
        **{original_name(text): data.originals.get(text.name, "") for text in entry_fields.ORIGINAL_FIELDS},
        **{rows.name: [{c.name: row.get(c.name) for c in rows.columns} for row in data.rows.get(rows.name, [])]
           for rows in entry_fields.ROWS_FIELDS},
    })


def _typed(value: Any) -> Any:
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def form_to_data(form: FlaskForm) -> svc.EntryData:
    """What the form says, as the service's EntryData (rows marked "remove" are left out)."""
    try:
        status = svc.parse_status(form.status.data)
    except ValueError:
        status = None
    return svc.EntryData(
        status=status,
        texts={text.name: _typed(getattr(form, text.name).data or "") for text in entry_fields.TEXT_FIELDS},
        rows={rows.name: [{c.name: _typed(getattr(row.form, c.name).data) if c.date
                           else _typed(getattr(row.form, c.name).data or "") for c in rows.columns}
                          for row in getattr(form, rows.name) if not row.form.remove.data]
              for rows in entry_fields.ROWS_FIELDS},
        figures=figure_values(form),
        original_language=getattr(form, entry_fields.ORIGINAL_LANGUAGE).data or "",
        originals={text.name: _typed(getattr(form, original_name(text)).data or "")
                   for text in entry_fields.ORIGINAL_FIELDS},
    )


def figure_values(form: FlaskForm) -> dict[str, str] | None:
    """The figures as typed (field name -> text), or None when the action has no indicator."""
    found = {f.name: (f.data or "").strip() for f in form if f.name.startswith("fig_")}
    return found or None


def expected_version(form: FlaskForm) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


def error_list(form: FlaskForm) -> list[tuple[str, str]]:
    """Every error as (field id, message naming the field and its row), in the form's order."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            for i, row in enumerate(field.entries):
                for sub in row.form:
                    for error in sub.errors:
                        found.append((sub.id, _("%(field)s, row %(row)d, %(column)s: %(error)s", field=field.label.text,
                                                row=i + 1, column=sub.label.text.lower(), error=error)))
            continue
        for error in field.errors:
            if field.name == "csrf_token":
                found.append(("", _("The form had expired. Send it again.")))
            else:
                found.append((field.id, _("%(field)s: %(error)s", field=field.label.text, error=error)))
    return found


class SubmitReportForm(FlaskForm):
    """Submitting a report, from its confirmation page: the state version the page was opened on, the
    token of the summary it stated (services/review/confirmation.py) and, on a resubmission, the
    party's optional note to the Commission."""

    state_version = HiddenField()
    confirmed = HiddenField()
    note = TextAreaField(_l("Note to the Commission: what we changed (optional)"), validators=[
        Length(max=5000, message=_l("Keep the note under 5,000 characters."))])
    submit = SubmitField(_l("Submit the report for review"))


class PreviewForm(FlaskForm):
    """The live preview asked for by reports.js (the no-JavaScript path uses the entry form's button)."""

    text = TextAreaField(_l("Text"))
